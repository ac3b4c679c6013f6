-- A session for tools/hostcheck/ardour7-ui.sh: one MIDI track named
-- Chronus holding the plugin, saved, made by ardour7-lua (Ardour's own Lua
-- interpreter and libardour, no display) on Ardour's own "None (Dummy)"
-- backend, the one the GUI then runs on (no JACK server to lose).
--
--   LV2_PATH=$PWD/build/lv2:/usr/lib/lv2 ardour7-lua tools/hostcheck/ardour7-session.lua DIR
local dir = (arg and arg[1]) or "/tmp/chronus-ardour-ui"
local uri = "http://chronus.audio/plugins/chronus"

AudioEngine:set_backend("None (Dummy)", "", "")
local s = create_session(dir, "chronus", 48000)
assert(s, "could not create a session in " .. dir)
local midi = ARDOUR.ChanCount(ARDOUR.DataType("midi"), 1)
local stereo = ARDOUR.ChanCount(ARDOUR.DataType("audio"), 2)
local tl = s:new_midi_track(midi, stereo, true, ARDOUR.PluginInfo(), nil, nil, 1, "Chronus",
                            ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, true, false)
local proc = ARDOUR.LuaAPI.new_plugin(s, uri, ARDOUR.PluginType.LV2, "")
assert(not proc:isnil(), "Ardour does not find " .. uri .. " (LV2_PATH?)")
assert(tl:front():add_processor_by_index(proc, 0, nil, true) == 0)
s:save_state("", false, false, false, false, false)
print("-- session saved in " .. dir)
