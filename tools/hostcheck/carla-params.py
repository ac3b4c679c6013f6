#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Loads Chronus in Carla's engine (Dummy driver, no sound card, no display)
through Carla's own Python API and prints every parameter as Carla's edit
dialog gets it (name, direction, range, unit, group, hints, value, scale
points); then sends each PATCHFILE the way Carla's file button does and
prints them again. Carla is not in Debian: build its backend from a
checkout (`make backend`) and point CARLA_SRC at it.

    CARLA_SRC=DIR python3 tools/hostcheck/carla-params.py LV2DIR [PATCHFILE...]"""
import sys, os, time
carla = os.environ['CARLA_SRC']
sys.path.insert(0, os.path.join(carla, 'source/frontend'))
from carla_backend import *
lv2path = sys.argv[1]
host = CarlaHostDLL(os.path.join(carla, 'bin/libcarla_standalone2.so'), False)
host.set_engine_option(ENGINE_OPTION_PROCESS_MODE, ENGINE_PROCESS_MODE_CONTINUOUS_RACK, "")
host.set_engine_option(ENGINE_OPTION_PATH_BINARIES, 0, os.path.join(carla, "bin"))
host.set_engine_option(ENGINE_OPTION_PATH_RESOURCES, 0, os.path.join(carla, "resources"))
host.set_engine_option(ENGINE_OPTION_PLUGIN_PATH, PLUGIN_LV2, lv2path)
assert host.engine_init("Dummy", "chronus-check"), host.get_last_error()
ok = host.add_plugin(BINARY_NATIVE, PLUGIN_LV2, "", "", "http://chronus.audio/plugins/chronus", 0, None, 0)
assert ok, host.get_last_error()
def idle(sec):
    end = time.time() + sec
    while time.time() < end:
        host.engine_idle(); time.sleep(0.02)
idle(2)
info = host.get_plugin_info(0)
print("plugin hints: 0x%x custom_ui=%s file_open=%s" % (info['hints'], bool(info['hints'] & PLUGIN_HAS_CUSTOM_UI), bool(info['hints'] & PLUGIN_HAS_CUSTOM_UI_USING_FILE_OPEN)))
print("programs (presets):", host.get_program_count(0), "midi programs:", host.get_midi_program_count(0))
names = {PARAMETER_IS_BOOLEAN:'bool', PARAMETER_IS_INTEGER:'int', PARAMETER_IS_LOGARITHMIC:'log', PARAMETER_IS_ENABLED:'enabled',
         PARAMETER_IS_AUTOMATABLE:'automatable', PARAMETER_IS_READ_ONLY:'readonly', PARAMETER_USES_SCALEPOINTS:'scalepoints',
         PARAMETER_USES_CUSTOM_TEXT:'customtext', PARAMETER_IS_NOT_SAVED:'notsaved'}
def dump(title):
    print("==", title)
    for i in range(host.get_parameter_count(0)):
        pi = host.get_parameter_info(0, i); pd = host.get_parameter_data(0, i); pr = host.get_parameter_ranges(0, i)
        hints = ",".join(n for b, n in names.items() if pd['hints'] & b)
        kind = {PARAMETER_INPUT: 'in', PARAMETER_OUTPUT: 'out'}.get(pd['type'], pd['type'])
        val = host.get_current_parameter_value(0, i)
        sp = [host.get_parameter_scalepoint_info(0, i, k) for k in range(pi['scalePointCount'])]
        label = next((s['label'] for s in sp if s['value'] == val), None)
        print(f"{i:2} {pi['symbol']:13} {pi['name']!r:20} {kind:3} [{pr['min']:g},{pr['max']:g}] def {pr['def']:g} unit {pi['unit']!r:10} group {pi['groupName']!r:22} {hints}  = {val:g}" + (f" ({label})" if label else "") + (f"  scalepoints {len(sp)}: {sp[0]['label']!r}..{sp[-1]['label']!r}" if sp else ""))
dump("after load")
for j in range(13): print("program", j, host.get_program_name(0, j))
for path in sys.argv[2:]:
    host.set_custom_data(0, "http://kxstudio.sf.net/ns/carla/path", "file", path)
    idle(2)
    dump("after file " + path)
host.engine_close()
