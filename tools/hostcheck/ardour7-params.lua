-- What Ardour 7 itself makes of Chronus's ports, without a display: run by
-- ardour7-lua (Ardour's own Lua interpreter and libardour, None/Dummy
-- backend). It creates a session with a MIDI track holding Chronus, prints
-- every control port's ParameterDescriptor as Ardour built it (the data the
-- generic plugin window draws from), then steps the Program port and plays a
-- note; the plugin's build outcomes appear in the output as Ardour logs them.
-- The session is left on disk for `ardour` to open (docs/hosts.md).
-- Ardour 7.3's Lua cannot read output ports or set LV2 parameters: Playing,
-- the error outputs and Patch file are checked in the window.
--
--   LV2_PATH=$PWD/build/lv2 ardour7-lua tools/hostcheck/ardour7-params.lua [DIR]
local dir = (arg and arg[1]) or "/tmp/chronus-ardour"
local uri = "http://chronus.audio/plugins/chronus"

AudioEngine:set_backend("None (Dummy)", "", "")
local s = load_session(dir, "chronus")
if not s then s = create_session(dir, "chronus", 48000) end
assert(s, "no session in " .. dir)

local pi
for r in s:get_routes():iter() do
	local proc = r:nth_plugin(0)
	if not proc:isnil() and proc:to_insert():plugin(0):unique_id() == uri then pi = proc:to_insert() end
end
if not pi then
	local midi = ARDOUR.ChanCount(ARDOUR.DataType("midi"), 1)
	local stereo = ARDOUR.ChanCount(ARDOUR.DataType("audio"), 2)
	local tl = s:new_midi_track(midi, stereo, true, ARDOUR.PluginInfo(), nil, nil, 1, "Chronus",
	                            ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, true, false)
	local proc = ARDOUR.LuaAPI.new_plugin(s, uri, ARDOUR.PluginType.LV2, "")
	assert(not proc:isnil(), "Ardour does not find " .. uri .. " (LV2_PATH?)")
	assert(tl:front():add_processor_by_index(proc, 0, nil, true) == 0)
	pi = proc:to_insert()
end
local p = pi:plugin(0)

-- One line per control port, in port order; `ctl#` is the index the Lua API
-- (set_plugin_insert_param, Plugin:nth_parameter) uses: it counts every
-- control port, outputs included.
print(string.format("%-3s %-4s %-13s %8s %8s %8s  %-28s %-14s %s", "port", "ctl#", "label", "lower", "upper",
                    "normal", "flags", "print_fmt", "scale points"))
local n_ctl, program_in = 0, nil
for i = 0, p:parameter_count() - 1 do
	if p:parameter_is_control(i) then
		local _, t = p:get_parameter_descriptor(i, ARDOUR.ParameterDescriptor())
		local d = t[2]
		local flags = {}
		if not p:parameter_is_input(i) then flags[#flags + 1] = "output" end
		if d.toggled then flags[#flags + 1] = "toggled" end
		if d.logarithmic then flags[#flags + 1] = "log" end
		if d.integer_step then flags[#flags + 1] = "integer" end
		if d.enumeration then flags[#flags + 1] = "enum" end
		local pts = {}
		for k, v in pairs(ARDOUR.LuaAPI.desc_scale_points(d)) do pts[#pts + 1] = { v, k } end
		table.sort(pts, function(a, b) return a[1] < b[1] end)
		local sp = {}
		for _, e in ipairs(pts) do sp[#sp + 1] = string.format("%g=%s", e[1], e[2]) end
		local idx = tostring(n_ctl)
		if d.label == "Program" then program_in = n_ctl end
		n_ctl = n_ctl + 1
		print(string.format("%-4d %-4s %-13s %8g %8g %8g  %-28s %-14s %s", i, idx, d.label, d.lower, d.upper, d.normal,
		                    table.concat(flags, ","), "'" .. d.print_fmt .. "'", table.concat(sp, ", ")))
	end
end

-- Program: each value must build its factory patch (the worker logs it).
if program_in then
	for _, v in ipairs({ 2, 9, 0 }) do
		print("-- Program := " .. v)
		ARDOUR.LuaAPI.set_plugin_insert_param(pi, program_in, v)
		for _ = 1, 50 do ARDOUR.LuaAPI.wait_for_process_callback(10, 1) end
		ARDOUR.LuaAPI.usleep(300000)
		print("   Program reads back " .. ARDOUR.LuaAPI.get_plugin_insert_param(pi, program_in, true))
	end
end
s:save_state("", false, false, false, false, false)
print("-- session saved in " .. dir)
