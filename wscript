#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# Chronus build: configure, build, test, demo, bench, install.
# The bundle is assembled at ./chronus.lv2 after every build so that
# LV2_PATH=$PWD finds it without installing.

import os
import re
import shlex
import shutil
import subprocess
import sys

from waflib import Build, Context, Logs, Options, Utils

APPNAME = 'chronus'
VERSION = '0.1.0'
PLUGIN_URI = 'http://chronus.audio/plugins/chronus'
top = '.'
out = 'build'

# pkg-config name, minimum version, what the code uses it for, Debian package
DEPENDENCIES = [
    ('lv2', '1.18.0', 'LV2 headers', 'lv2-dev'),
    ('lilv-0', '0.24.0', 'host side: render, tests, bench', 'liblilv-dev'),
    ('cunit', None, 'unit and host tests', 'libcunit1-dev'),
    ('sndfile', None, 'WAV output; wavetables the plugin reads', 'libsndfile1-dev'),
    ('fftw3', None, 'spectral measurements in tests', 'libfftw3-dev'),
    ('liblo', '0.29', 'OSC: the plugin\'s server and chronusctl', 'liblo-dev'),
    ('cairo', '1.14', 'the plugin\'s UI (drawing)', 'libcairo2-dev'),
    ('x11', None, 'the plugin\'s UI (its X11 window)', 'libx11-dev'),
]

PROGRAMS = [
    ('LV2_VALIDATE', 'lv2_validate', 'lv2-dev', True),
    ('SORD_VALIDATE', 'sord_validate', 'sordi', True),
    ('NM', 'nm', 'binutils', True),
    ('LV2LS', 'lv2ls', 'lilv-utils', False),
    ('JALV', 'jalv', 'jalv', False),
    ('JACKD', 'jackd', 'jackd2', False),
]


def options(opt):
    opt.load('compiler_c')
    opt.add_option('--lv2dir', dest='lv2dir', default=None,
                   help='where `install` puts chronus.lv2 [PREFIX/lib/lv2]')
    opt.add_option('--fuzz-seconds', dest='fuzz_seconds', type='int', default=600,
                   help='how long `./waf fuzz` runs each target [600]')
    opt.add_option('--sanitize', dest='sanitize', default='',
                   help='build with -fsanitize=LIST (e.g. address,undefined)')
    opt.add_option('--bench-args', dest='bench_args', default='',
                   help='arguments for chronus-bench in `./waf bench`, e.g. "--quick"')
    opt.add_option('--mutate-args', dest='mutate_args', default='',
                   help='arguments for tools/mutate.py in `./waf mutate`, e.g. "--tag ci" or "--only ID,ID"')


def configure(conf):
    conf.load('compiler_c')
    for name, version, why, package in DEPENDENCIES:
        args = {'package': name, 'args': '--cflags --libs',
                'uselib_store': name.split('-')[0].upper(), 'mandatory': False}
        if version:
            args['atleast_version'] = version
        if not conf.check_cfg(**args):
            conf.fatal('%s%s not found (needed for %s): install the Debian package %s'
                       % (name, ' >= ' + version if version else '', why, package))
    for var, prog, package, needed in PROGRAMS:
        if not conf.find_program(prog, var=var, mandatory=False) and needed:
            conf.fatal('%s not found: install the Debian package %s' % (prog, package))

    conf.check_cc(lib='m', uselib_store='M')
    conf.check_cc(lib='pthread', uselib_store='PTHREAD')
    conf.check_cc(lib='dl', uselib_store='DL', mandatory=False)

    # No -ffast-math or -Ofast: the verifier and the tests rely on isfinite().
    flags = ['-std=c11', '-O2', '-g', '-Wall', '-Wextra', '-Wshadow',
             '-Wmissing-prototypes', '-Wstrict-prototypes', '-fno-math-errno',
             # No program here reads floating-point exception flags; without
             # this GCC will not turn a conditional division into a vector
             # select, and the voice lanes stay scalar.
             '-fno-trapping-math',
             # Let loops of a runtime length (n frames x lanes) vectorise
             # too, with a short remainder loop; -O2 alone only takes loops
             # whose count is a multiple of the vector width.
             '-fvect-cost-model=cheap',
             '-D_POSIX_C_SOURCE=200809L']
    conf.env.append_value('CFLAGS', flags)
    if Options.options.sanitize:
        # Any finding fails the run: UBSan does not just print and go on.
        san = ['-fsanitize=' + Options.options.sanitize, '-fno-omit-frame-pointer', '-fno-sanitize-recover=all']
        conf.env.append_value('CFLAGS', san)
        conf.env.append_value('LINKFLAGS', san)
        conf.env.SANITIZE = Options.options.sanitize

    conf.env.LV2DIR = Options.options.lv2dir or os.path.join(conf.env.PREFIX, 'lib', 'lv2')
    conf.env.PLUGIN_URI = PLUGIN_URI
    conf.env.LIB_EXT = '.dylib' if sys.platform == 'darwin' else '.so'
    conf.define('CHRONUS_URI', PLUGIN_URI)
    conf.define('CHRONUS_VERSION', VERSION)
    conf.write_config_header('chronus_config.h')
    Logs.pprint('GREEN', 'Chronus will install its bundle into %s/chronus.lv2' % conf.env.LV2DIR)


CORE_SOURCES = ['src/patch_parse.c', 'src/patch_lex.c', 'src/suggest.c', 'src/patch_error.c',
                'src/module_registry.c',
                'src/compile.c', 'src/slot.c', 'src/voices.c', 'src/params.c',
                'src/build_slot.c', 'src/controls.c', 'src/silence_reason.c',
                'src/handover.c', 'src/tuning.c', 'src/mpe.c', 'src/live_set.c', 'src/graph_desc.c', 'src/wavetable_file.c']


def build(bld):
    dsp = bld.path.ant_glob('src/dsp/*.c')
    # Everything below LV2 glue, linked into the plugin and the unit tests.
    bld.stlib(source=CORE_SOURCES + dsp, target='chronus_core', cflags=['-fPIC'],
              includes=['src', '.'], export_includes=['src', '.'], use=['M', 'SNDFILE'])

    bld.shlib(source=bld.path.ant_glob('src/lv2/*.c') + [bld.path.find_or_declare('src/factory_patches.c')], target='chronus',
              includes=['src', '.'], use=['chronus_core', 'LV2', 'LIBLO', 'SNDFILE', 'CAIRO', 'M', 'PTHREAD'],
              cflags=['-fvisibility=hidden', '-fPIC'],
              # nodelete: a host's dlclose() leaves the plugin (and cairo, which
              # Ardour's inline display draws with) loaded. cairo and pixman
              # keep process-wide state made at load time; unloading them
              # under a host that loads the plugin again is unsafe, and
              # LeakSanitizer reports that state as leaked (12 KiB, pixman's
              # implementations) in every lilv host that unloads the plugin.
              linkflags=['-Wl,--version-script=' + bld.path.find_node('src/lv2/exports.map').abspath(),
                         '-Wl,-z,nodelete'],
              install_path=None)

    # The UI (src/ui, docs/ui.md): X11, cairo and the LV2 headers, nothing
    # of the engine; the control table (plain data: names, ranges, units) and
    # the factory patches' names for the preset list.
    bld.shlib(source=bld.path.ant_glob('src/ui/*.c') + ['src/controls.c', bld.path.find_or_declare('src/factory_patches.c')],
              target='chronus_ui', includes=['src', 'src/ui', '.'], use=['CAIRO', 'X11', 'LV2', 'M'],
              cflags=['-fvisibility=hidden', '-fPIC'],
              linkflags=['-Wl,--version-script=' + bld.path.find_node('src/ui/exports.map').abspath()],
              install_path=None)
    # Opens and closes the UI 100 times in one process (tests/ui/check-ui.sh).
    bld.program(source=['tests/ui/ui_cycles.c', 'tests/ui/ui_feed.c'], target='tests/ui-cycles', includes=['src', '.'],
                use=['X11', 'LV2', 'DL', 'M'], install_path=None)
    # The UI's own CPU, idle and with the scope running (docs/ui.md);
    # -rdynamic: the UI's XPutImage resolves to the bench's, which counts
    # the frames drawn.
    bld.program(source=['tools/ui_bench.c', 'tests/ui/ui_feed.c'], target='chronus-ui-bench', includes=['src', '.'],
                use=['X11', 'LV2', 'DL', 'M'], linkflags=['-rdynamic'], install_path=None)

    # In a folder of its own: build/ is not a bundle, and LV2_PATH=$PWD must
    # not find a second copy of the plugin there.
    # The factory patches (presets/NN-*.chronus) become the program table in
    # C, the bundle's presets and the program port's scale points: one table.
    factory = bld.path.ant_glob('presets/*.chronus')
    bld(rule=gen_factory_c, source=factory, target='src/factory_patches.c')
    # The control ports, groups, units and parameters come from the control
    # table (src/controls.c) through a small program built from it.
    bld.program(source=['ttl/gen_controls.c', bld.path.find_or_declare('src/factory_patches.c')],
                target='chronus-controls', includes=['src', '.'], use=['chronus_core', 'SNDFILE', 'M'], install_path=None)
    bld(rule=gen_bundle_ttl, source=factory + ['ttl/manifest.ttl.in', 'ttl/chronus.ttl.in',
                                               bld.path.find_or_declare('chronus-controls')],
        target=['bundle/manifest.ttl', 'bundle/chronus.ttl', 'bundle/presets.ttl'])

    # The lilv host used by chronus-render, chronus-bench and the host tests.
    bld.stlib(source=['tools/lv2host.c', 'tools/score.c'], target='chronus_host',
              includes=['tools', 'src', '.'], export_includes=['tools', '.'],
              use=['LILV', 'LV2', 'PTHREAD', 'M'])
    bld.program(source='tools/chronus_render.c', target='chronus-render',
                use=['chronus_host', 'LILV', 'SNDFILE', 'PTHREAD', 'M'], install_path=None)
    bld.program(source=['tools/chronus_bench.c', 'tools/bench_pace.c', 'tools/bench_reload.c', 'tools/bench_osc.c', 'tools/osc_peer.c',
                        'src/dsp/simd.c'], target='chronus-bench',
                includes=['src', 'tools', '.'],
                use=['chronus_host', 'LILV', 'LV2', 'LIBLO', 'PTHREAD', 'M', 'DL'], install_path=None)

    # The OSC client: its text side (tools/osc_args.c) is pure C, unit-tested.
    bld.program(source=['tools/chronusctl.c', 'tools/osc_args.c'], target='chronusctl', includes=['tools', 'src', '.'],
                use=['LIBLO'], install_path=None)

    # LIBLO: the chronusctl suite answers the built program from an
    # in-process OSC server.
    unit_sources = bld.path.ant_glob('tests/unit/*.c') + ['tools/osc_args.c', 'src/ui/graph_model.c',
                                                              'src/ui/folder.c', 'src/ui/user_presets.c', 'src/ui/editor_line.c', 'src/ui/edit.c',
                                                              'src/ui/spectrum_fft.c', 'src/ui/spectrum_view.c']
    bld.program(source=unit_sources, target='tests/unit-tests', includes=['src', 'src/ui', 'tests/unit', 'tools', '.'],
                defines=['CHRONUS_SRCDIR="%s"' % bld.path.abspath()],
                use=['chronus_core', 'CUNIT', 'FFTW3', 'LIBLO', 'PTHREAD', 'SNDFILE', 'M'], install_path=None)
    bld.program(source=bld.path.ant_glob('tests/host/*.c') + ['src/controls.c', 'tools/osc_peer.c', 'tests/unit/temp_dir.c',
                                                             'src/ui/spectrum_fft.c'], target='tests/host-tests',
                includes=['src', 'tools', 'tests/host', 'tests/unit', 'tests/rt', '.'],
                use=['chronus_host', 'chronus_core', 'LILV', 'CUNIT', 'SNDFILE', 'LIBLO', 'PTHREAD', 'M', 'DL'],
                install_path=None)
    # Preloaded into the host tests' real-time suite.
    bld.shlib(source='tests/rt/rt_guard.c', target='tests/rt_guard', use=['DL'], install_path=None)
    # The guard's self-test plugin, a bundle of its own that only the
    # real-time step's LV2_PATH names (never installed).
    bld.shlib(source='tests/rt/rt_probe.c', target='rt_probe/rt_probe.lv2/rt_probe', includes=['tests/rt'],
              use=['LV2', 'PTHREAD'], install_path=None)
    for ttl_in, ttl_out in (('rt_probe_manifest.ttl', 'manifest.ttl'), ('rt_probe.ttl', 'rt_probe.ttl')):
        bld(rule='cp ${SRC} ${TGT}', source='tests/rt/' + ttl_in, target='rt_probe/rt_probe.lv2/' + ttl_out)
    build_fuzz_replay(bld)

    bld.add_post_fun(assemble_bundle)

    bundle = '${LV2DIR}/chronus.lv2'
    bld.install_as(bundle + '/chronus' + bld.env.LIB_EXT, 'libchronus' + bld.env.LIB_EXT)
    bld.install_as(bundle + '/chronus_ui' + bld.env.LIB_EXT, 'libchronus_ui' + bld.env.LIB_EXT)
    bld.install_files(bundle, ['bundle/manifest.ttl', 'bundle/chronus.ttl', 'bundle/presets.ttl'])


def bundle_files(ctx):
    """(source path, name in the bundle) for every file of chronus.lv2."""
    b = ctx.bldnode.abspath()
    files = [(os.path.join(b, 'libchronus' + ctx.env.LIB_EXT), 'chronus' + ctx.env.LIB_EXT),
             (os.path.join(b, 'libchronus_ui' + ctx.env.LIB_EXT), 'chronus_ui' + ctx.env.LIB_EXT)]
    for name in ('manifest.ttl', 'chronus.ttl', 'presets.ttl'):
        files.append((os.path.join(b, 'bundle', name), name))
    return files


def assemble_bundle(ctx):
    """chronus.lv2 in <build>/lv2/ (what the tests and tools load, through
    LV2_PATH, so lilv scans no other folder of the repository), and, for the
    main build only, at the repository root for LV2_PATH=$PWD."""
    dests = [os.path.join(ctx.bldnode.abspath(), 'lv2', 'chronus.lv2')]
    if not ctx.env.SANITIZE:
        dests.append(os.path.join(ctx.path.abspath(), 'chronus.lv2'))
    for dest in dests:
        if os.path.islink(dest):
            os.unlink(dest)
        elif os.path.isdir(dest):
            shutil.rmtree(dest)
        os.makedirs(dest)
        for src, name in bundle_files(ctx):
            shutil.copy2(src, os.path.join(dest, name))


def read_factory(nodes):
    """The factory patches in program order: name, bank, slug, text."""
    patches = []
    for n in sorted(nodes, key=lambda x: x.name):
        text = n.read()
        title = re.search(r'^patch\s+"([^"]+)"', text, re.M)
        bank = re.search(r'^#\s*bank:\s*(\S.*)$', text, re.M)
        if not title or not bank:
            raise ValueError('%s needs a `patch "Name"` line and a `# bank: Name` comment' % n.abspath())
        slug = re.sub(r'^\d+-', '', n.name[:-len('.chronus')])
        patches.append({'name': title.group(1), 'bank': bank.group(1).strip(), 'slug': slug, 'text': text})
    return patches


def c_string(text):
    out = []
    for ch in text.encode('utf-8'):
        c = chr(ch)
        if c == '\\' or c == '"':
            out.append('\\' + c)
        elif c == '\n':
            out.append('\\n"\n\t"')
        elif 32 <= ch < 127:
            out.append(c)
        else:
            out.append('\\%03o' % ch)
    return '"' + ''.join(out) + '"'


def ttl_string(text):
    return '"' + text.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n').replace('\t', '\\t') + '"'


def gen_factory_c(task):
    patches = read_factory(task.inputs)
    lines = ['/* Generated by wscript from the presets folder. Do not edit. */',
             '#include "factory_patches.h"', '', 'const FactoryPatch factory_patches[] = {']
    for p in patches:
        lines.append('\t{%s, %s,\n\t%s,\n\t%d},' % (c_string(p['name']), c_string(p['bank']), c_string(p['text']),
                                                 len(p['text'].encode('utf-8'))))
    lines += ['};', '', 'const unsigned factory_patch_count = %d;' % len(patches), '']
    task.outputs[0].write('\n'.join(lines))


def gen_bundle_ttl(task):
    env = task.env
    uri = env.PLUGIN_URI
    patches = read_factory([n for n in task.inputs if n.name.endswith('.chronus')])
    manifest_in = [n for n in task.inputs if n.name == 'manifest.ttl.in'][0].read()
    plugin_in = [n for n in task.inputs if n.name == 'chronus.ttl.in'][0].read()

    manifest = manifest_in.replace('@PLUGIN_URI@', uri).replace('@LIB_EXT@', env.LIB_EXT)
    manifest += '\n@prefix pset: <http://lv2plug.in/ns/ext/presets#> .\n'
    for p in patches:
        manifest += ('\n<%s#preset-%s>\n\ta pset:Preset ;\n\tlv2:appliesTo <%s> ;\n'
                     '\trdfs:seeAlso <presets.ttl> .\n' % (uri, p['slug'], uri))
    task.outputs[0].write(manifest)

    gen = [n for n in task.inputs if n.name == 'chronus-controls'][0].abspath()

    def controls(what):
        return subprocess.check_output([gen, what], text=True)
    plugin = plugin_in
    for key, what in (('@CONTROL_DEFS@', 'defs'), ('@PATCH_PROPERTIES@', 'properties'),
                      ('@CONTROL_PORTS@', 'ports')):
        plugin = plugin.replace(key, controls(what).rstrip('\n'))
    task.outputs[1].write(plugin)
    preset_ports = [l.split() for l in controls('preset-ports').splitlines()]

    banks = []
    for p in patches:
        if p['bank'] not in banks:
            banks.append(p['bank'])
    ttl = ['@prefix lv2: <http://lv2plug.in/ns/lv2core#> .',
           '@prefix pset: <http://lv2plug.in/ns/ext/presets#> .',
           '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .',
           '@prefix state: <http://lv2plug.in/ns/ext/state#> .',
           '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .', '']
    for b in banks:
        ttl.append('<%s#bank-%s>\n\ta pset:Bank ;\n\trdfs:label %s .\n'
                   % (uri, re.sub('[^a-z0-9]+', '-', b.lower()), ttl_string(b)))
    for i, p in enumerate(patches):
        ports = ['\t\t[ lv2:symbol "program" ; pset:value %d.0 ]' % i]
        ports += ['\t\t[ lv2:symbol "%s" ; pset:value %r ]' % (sym, float(value)) for sym, value in preset_ports]
        ttl.append('<%s#preset-%s>\n\ta pset:Preset ;\n\tlv2:appliesTo <%s> ;\n\trdfs:label %s ;\n'
                   '\tpset:bank <%s#bank-%s> ;\n\tlv2:port\n%s ;\n\tstate:state [\n'
                   '\t\t<%s#stateVersion> "1"^^xsd:int ;\n\t\t<%s#program> "%d"^^xsd:int ;\n'
                   '\t\t<%s#patchText> %s\n\t] .\n'
                   % (uri, p['slug'], uri, ttl_string(p['name']), uri,
                      re.sub('[^a-z0-9]+', '-', p['bank'].lower()), ' ,\n'.join(ports), uri, uri, i, uri,
                      ttl_string(p['text'])))
    task.outputs[2].write('\n'.join(ttl))


class TestContext(Build.BuildContext):
    cmd = 'test'
    fun = 'test'


class FuzzContext(Build.BuildContext):
    cmd = 'fuzz'
    fun = 'fuzz'


class DemoContext(Build.BuildContext):
    cmd = 'demo'
    fun = 'demo'


class BenchContext(Build.BuildContext):
    cmd = 'bench'
    fun = 'bench'


class SoundSheetContext(Build.BuildContext):
    cmd = 'soundsheet'
    fun = 'soundsheet'


class MutateContext(Context.Context):
    """Needs no configured build here: the scratch copy configures its own."""
    cmd = 'mutate'
    fun = 'mutate'


def mutate(ctx):
    """The mutation check (tools/mutate.py, docs/testing.md): each bug of
    tests/mutate/mutations.txt applied to a scratch copy of the tree, built,
    tested; fails unless the tests catch every one. Slow (minutes per
    mutation): not part of `./waf test`."""
    cmd = [sys.executable, os.path.join(ctx.path.abspath(), 'tools', 'mutate.py')]
    cmd += shlex.split(Options.options.mutate_args)
    if subprocess.call(cmd, cwd=ctx.path.abspath()):
        ctx.fatal('the mutation check did not pass (see the table above)')


def test(ctx):
    build(ctx)
    ctx.add_post_fun(run_tests)


def fuzz(ctx):
    build(ctx)
    ctx.add_post_fun(run_fuzz)


FUZZ_TARGETS = [('patch', False), ('run', True), ('state', True), ('tuning', False),
                ('osc', True)]  # (name, links the plugin)


def build_fuzz_replay(bld):
    """Every fuzz target linked with tests/fuzz/replay_main.c instead of
    libFuzzer (build/tests/fuzz-replay-NAME): `./waf test` feeds it each
    input of its corpus once, under whatever build (plain, ASan) this is."""
    plugin = bld.path.ant_glob('src/lv2/*.c') + [bld.path.find_or_declare('src/factory_patches.c')]
    for name, with_plugin in FUZZ_TARGETS:
        bld.program(source=['tests/fuzz/fuzz_%s.c' % name, 'tests/fuzz/replay_main.c'] + (plugin if with_plugin else []),
                    target='tests/fuzz-replay-' + name, includes=['src', 'src/lv2', 'tests/fuzz', '.'],
                    use=['chronus_core', 'LV2', 'LIBLO', 'SNDFILE', 'CAIRO', 'M', 'PTHREAD'], install_path=None)


def run_fuzz(ctx):
    """Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan)
    and runs each for --fuzz-seconds from its seed corpus. Any crash, leak
    or sanitizer report fails the command; the input is kept in build/fuzz."""
    clang = shutil.which('clang-14') or shutil.which('clang')
    if not clang:
        ctx.fatal('fuzzing needs clang with libFuzzer: install the Debian packages clang-14 and '
                  'libclang-rt-14-dev (./setup fuzz does)')
    top, b = ctx.path.abspath(), ctx.bldnode.abspath()
    out = os.path.join(b, 'fuzz')
    os.makedirs(out, exist_ok=True)
    core = [os.path.join(top, s) for s in CORE_SOURCES] + [n.abspath() for n in ctx.path.ant_glob('src/dsp/*.c')]
    plugin = [n.abspath() for n in ctx.path.ant_glob('src/lv2/*.c')] + [os.path.join(b, 'src', 'factory_patches.c')]
    flags = ['-g', '-O1', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=all',
             '-fno-omit-frame-pointer', '-std=c11', '-D_POSIX_C_SOURCE=200809L', '-Wall', '-Wextra',
             '-I' + os.path.join(top, 'src'), '-I' + b, '-I' + os.path.join(top, 'src', 'lv2')] + \
            ['-I' + d for d in ctx.env.INCLUDES_CAIRO]  # the inline display (src/lv2/inline_display.c)
    seeds = os.path.join(out, 'seeds')
    dictionary = os.path.join(out, 'patch.dict')
    subprocess.check_call([sys.executable, os.path.join(top, 'tests', 'fuzz', 'make_seeds.py'),
                           '--out', seeds, '--dict', dictionary])
    seconds = Options.options.fuzz_seconds
    failed = []
    for name, with_plugin in FUZZ_TARGETS:
        exe = os.path.join(out, 'fuzz_' + name)
        Logs.pprint('CYAN', '== building fuzz_%s' % name)
        subprocess.check_call([clang] + flags + [os.path.join(top, 'tests', 'fuzz', 'fuzz_%s.c' % name)] +
                              (plugin if with_plugin else []) + core +
                              ['-l' + lib for lib in ctx.env.LIB_LIBLO + ctx.env.LIB_SNDFILE + (ctx.env.LIB_CAIRO if with_plugin else [])] +
                              ['-lm', '-lpthread', '-o', exe])
        corpus = os.path.join(out, 'corpus-' + name)
        os.makedirs(corpus, exist_ok=True)
        cmd = [exe, '-max_total_time=%d' % seconds, '-timeout=30', '-print_final_stats=1',
               '-artifact_prefix=' + os.path.join(out, name + '-'), corpus,
               os.path.join(top, 'tests', 'fuzz', 'corpus', name)]
        if name == 'patch':
            cmd.insert(1, '-dict=' + dictionary)
        Logs.pprint('CYAN', '== fuzz_%s for %d s' % (name, seconds))
        rc = subprocess.call(cmd, cwd=out)
        Logs.pprint('GREEN' if rc == 0 else 'RED', '== fuzz_%s: %s' % (name, 'no finding' if rc == 0 else 'FINDING'))
        if rc:
            failed.append(name)
    if failed:
        ctx.fatal('fuzzing found something in: %s (inputs kept in %s)' % (', '.join(failed), out))


def demo(ctx):
    build(ctx)
    ctx.add_post_fun(run_demo)


def bench(ctx):
    build(ctx)
    ctx.add_post_fun(run_bench)


def soundsheet(ctx):
    build(ctx)
    ctx.add_post_fun(run_soundsheet)


def run_soundsheet(ctx):
    """docs/sound-sheet.md and docs/sound-sheet/ (a WAV per factory preset,
    one picture) from the built bundle: tools/soundsheet.py."""
    cmd = [sys.executable, os.path.join(ctx.path.abspath(), 'tools', 'soundsheet.py'),
           '--build', ctx.bldnode.abspath(), '--out', os.path.join(ctx.path.abspath(), 'docs', 'sound-sheet'),
           '--doc', os.path.join(ctx.path.abspath(), 'docs', 'sound-sheet.md')]
    if subprocess.call(cmd, env=_env(ctx), cwd=ctx.path.abspath()):
        ctx.fatal('the sound sheet was not made')


def _env(ctx):
    env = dict(os.environ)
    # The built bundle first, then the system's LV2 specifications (lilv
    # needs lv2core's class list); never ~/.lv2, which may hold an older
    # installed Chronus.
    env['LV2_PATH'] = os.pathsep.join([os.path.join(ctx.bldnode.abspath(), 'lv2'), '/usr/lib/lv2'])
    env['CHRONUS_SOURCE_DIR'] = ctx.path.abspath()
    env['CHRONUS_BUILD_DIR'] = ctx.bldnode.abspath()
    env['CHRONUS_URI'] = ctx.env.PLUGIN_URI
    # The ASan build: fontconfig's process-wide cache is not a leak of ours.
    supp = 'suppressions=' + os.path.join(ctx.path.abspath(), 'tests', 'lsan.supp')
    env['LSAN_OPTIONS'] = ':'.join([o for o in [env.get('LSAN_OPTIONS', ''), supp] if o])
    return env


def run_tests(ctx):
    b = ctx.bldnode.abspath()
    bundle = os.path.join(ctx.path.abspath(), 'chronus.lv2')
    lib = os.path.join(bundle, 'chronus' + ctx.env.LIB_EXT)
    checks = []

    def check(name, cmd, extra_env=None):
        Logs.pprint('CYAN', '== %s' % name)
        env = _env(ctx)
        env.update(extra_env or {})
        rc = subprocess.call(cmd, env=env)
        checks.append((name, rc == 0))
        Logs.pprint('GREEN' if rc == 0 else 'RED', '== %s: %s' % (name, 'passed' if rc == 0 else 'FAILED'))

    check('unit tests (CUnit)', [os.path.join(b, 'tests', 'unit-tests')])
    check('host tests (lilv, CUnit)', [os.path.join(b, 'tests', 'host-tests')])
    check('chronus-render exit statuses and messages',
          ['sh', os.path.join(ctx.path.abspath(), 'tests', 'render', 'check-render.sh')])
    if ctx.env.SANITIZE:
        Logs.pprint('YELLOW', '== real-time guard skipped: a sanitizer runtime must come first in the process')
    else:
        check('real-time safety (guard preloaded)', [os.path.join(b, 'tests', 'host-tests'), 'rt'],
              extra_env={'LD_PRELOAD': os.path.join(b, 'tests', 'librt_guard.so'),
                         'LV2_PATH': os.pathsep.join([os.path.join(b, 'rt_probe'), _env(ctx)['LV2_PATH']])})

    # Each fuzz target once over its committed corpus (seeds and every input
    # that ever found a bug) and over make_seeds.py's current output.
    seeds = os.path.join(b, 'fuzz-replay-seeds')
    subprocess.check_call([sys.executable, os.path.join(ctx.path.abspath(), 'tests', 'fuzz', 'make_seeds.py'),
                           '--out', seeds])
    for name, _ in FUZZ_TARGETS:
        check('fuzz_%s replays its corpus' % name,
              [os.path.join(b, 'tests', 'fuzz-replay-' + name),
               os.path.join(ctx.path.abspath(), 'tests', 'fuzz', 'corpus', name), os.path.join(seeds, name)])

    ttl = [os.path.join(bundle, f) for f in sorted(os.listdir(bundle)) if f.endswith('.ttl')]
    # lv2_validate exits 0 on a file it cannot parse: any "error" fails it.
    Logs.pprint('CYAN', '== lv2_validate chronus.lv2')
    res = subprocess.run(ctx.env.LV2_VALIDATE + ttl, capture_output=True, text=True)
    report = [l for l in (res.stdout + res.stderr).splitlines()
              if not l.startswith(('Skipping', 'lilv_world', 'lilv_'))]
    bad = res.returncode != 0 or any(('error' in l.lower() or 'warning' in l.lower()) and
                                     not l.startswith('Found 0 errors') for l in report)
    print('\n'.join(report[-12:]))
    checks.append(('lv2_validate chronus.lv2 (no errors, no warnings)', not bad))

    Logs.pprint('CYAN', '== exported symbols')
    out = subprocess.run(ctx.env.NM + ['-D', '--defined-only', lib], capture_output=True, text=True).stdout
    syms = sorted(l.split()[-1] for l in out.splitlines() if l.split() and l.split()[-2] in 'TDBRW')
    ok = syms == ['lv2_descriptor']
    Logs.pprint('GREEN' if ok else 'RED', '   %s' % ' '.join(syms))
    checks.append(('plugin exports only lv2_descriptor', ok))

    # The UI: only its descriptor, and nothing of the engine linked in
    # (X11, cairo and the C library only).
    ui_lib = os.path.join(bundle, 'chronus_ui' + ctx.env.LIB_EXT)
    out = subprocess.run(ctx.env.NM + ['-D', '--defined-only', ui_lib], capture_output=True, text=True).stdout
    syms = sorted(l.split()[-1] for l in out.splitlines() if l.split() and l.split()[-2] in 'TDBRW')
    needed = re.findall(r'\(NEEDED\).*\[(.*)\]', subprocess.run(['readelf', '-d', ui_lib], capture_output=True,
                                                               text=True).stdout)
    ok = syms == ['lv2ui_descriptor'] and all(n.split('.so')[0] in ('libcairo', 'libX11', 'libm', 'libc')
                                              for n in needed)
    Logs.pprint('GREEN' if ok else 'RED', '   UI: %s; links %s' % (' '.join(syms), ' '.join(needed)))
    checks.append(('UI exports only lv2ui_descriptor and links only X11, cairo, libm, libc', ok))

    if ctx.env.JALV and ctx.env.JACKD and not ctx.env.SANITIZE:
        check('real host: jalv on a JACK dummy backend',
              ['sh', os.path.join(ctx.path.abspath(), 'tests', 'jalv', 'check-jalv.sh')])
        check('real host: jalv with OSC, driven by chronusctl (hot reload, /mod)',
              ['sh', os.path.join(ctx.path.abspath(), 'tests', 'jalv', 'check-jalv-live.sh'), b])
    elif not ctx.env.SANITIZE:
        Logs.pprint('YELLOW', '== jalv check skipped: install the Debian packages jalv and jackd2')
        checks.append(('real host: jalv (not installed)', False))
    if 'address' in (ctx.env.SANITIZE or '').split(','):
        # The UI opened and closed 100 times under ASan + LeakSanitizer
        # (the UI library and ui-cycles built with the sanitizer here);
        # SKIPPED where Xvfb is missing or cannot start.
        check('the UI opened and closed 100 times under ASan (Xvfb, LeakSanitizer)',
              ['sh', os.path.join(ctx.path.abspath(), 'tests', 'ui', 'check-ui-cycles.sh'), b, '100'])
    if not ctx.env.SANITIZE:
        # Says SKIPPED (and passes) only where no X server can be started;
        # a missing Xvfb, xdotool or ImageMagick fails with what to install.
        check('the plugin\'s UI in jalv.gtk3 under Xvfb (screenshots, a preset click, knob drags)',
              ['sh', os.path.join(ctx.path.abspath(), 'tests', 'ui', 'check-ui.sh'), b, ctx.path.abspath()])

    # The bench's master-effect rows run (correctness only: every row
    # measured and not silent; no time is asserted).
    check('chronus-bench --effects measures every master-effect row',
          [os.path.join(b, 'chronus-bench'), '--effects', '--quick', '--seconds', '0.1'])

    check('docs/modules.md matches the module registry',
          [os.path.join(b, 'tests', 'unit-tests'), '--check-modules-doc',
           os.path.join(ctx.path.abspath(), 'docs', 'modules.md')])

    Logs.pprint('CYAN', '== README control list matches the control table')
    ok = readme_controls_match(ctx)
    Logs.pprint('GREEN' if ok else 'RED', '== README controls: %s' % ('passed' if ok else 'FAILED'))
    checks.append(('README control list matches the control table', ok))

    passed = sum(1 for _, ok in checks if ok)
    failed = len(checks) - passed
    Logs.pprint('NORMAL', '')
    for name, ok in checks:
        Logs.pprint('GREEN' if ok else 'RED', '%-50s %s' % (name, 'passed' if ok else 'FAILED'))
    Logs.pprint('NORMAL', '%d passed, %d failed' % (passed, failed))
    if failed:
        ctx.fatal('%d test step(s) failed' % failed)


README_CONTROLS = re.compile(r'<!-- controls: generated[^\n]*-->\n(.*?)\n<!-- controls: end -->', re.S)


def readme_controls_match(ctx):
    """The README's table of controls is what the control table generates
    (build/chronus-controls markdown); prints the difference when not."""
    want = subprocess.check_output([os.path.join(ctx.bldnode.abspath(), 'chronus-controls'), 'markdown'],
                                   text=True).rstrip('\n')
    m = README_CONTROLS.search(open(os.path.join(ctx.path.abspath(), 'README.md')).read())
    have = m.group(1) if m else ''
    if have != want:
        import difflib
        print('\n'.join(difflib.unified_diff(have.splitlines(), want.splitlines(), 'README.md', 'control table',
                                             lineterm='')) or 'README.md has no generated controls block')
    return have == want


def run_demo(ctx):
    """Renders tools/demo.score to build/demo.wav, prints the click metric
    at every patch swap, and draws build/demo.png (waveform and spectrogram
    with the swaps marked) with sox and gnuplot."""
    b = ctx.bldnode.abspath()
    wav = os.path.join(b, 'demo.wav')
    score = os.path.join(ctx.path.abspath(), 'tools', 'demo.score')
    swaps = os.path.join(b, 'demo-swaps.txt')
    envelope = os.path.join(b, 'demo-envelope.txt')
    rc = subprocess.call([os.path.join(b, 'chronus-render'), '--stats', '--swaps', swaps,
                          '--envelope', envelope, score, wav], env=_env(ctx))
    if rc:
        ctx.fatal('the demo render failed')
    sox, gnuplot = shutil.which('sox'), shutil.which('gnuplot')
    if not sox or not gnuplot:
        Logs.warn('no picture: install the Debian packages sox and gnuplot-nox (./setup demo does)')
        return
    spectrogram = os.path.join(b, 'demo-spectrogram.png')
    subprocess.check_call([sox, '-V1', wav, '-n', 'remix', '1', 'spectrogram', '-x', '1200', '-y', '400', '-r',
                           '-o', spectrogram])
    seconds = float(re.search(r'^length\s+([\d.]+)', open(score).read(), re.M).group(1))
    subprocess.check_call([gnuplot, '-e', "dir='%s'; seconds=%g; rate=48000" % (b, seconds),
                           os.path.join(ctx.path.abspath(), 'tools', 'plot-demo.gp')])
    Logs.pprint('GREEN', 'wrote %s and %s' % (wav, os.path.join(b, 'demo.png')))


def run_bench(ctx):
    """chronus-bench: run() cost of Chronus and of the peer instruments
    installed (Debian: mda-lv2, zynaddsubfx-lv2, synthv1-lv2), prime times,
    swap cost; targets as PASS/GAP lines. The report also goes to
    build/bench.md (docs/performance.md)."""
    b = ctx.bldnode.abspath()
    cmd = [os.path.join(b, 'chronus-bench'), '--markdown', os.path.join(b, 'bench.md')]
    cmd += shlex.split(Options.options.bench_args)
    rc = subprocess.call(cmd, env=_env(ctx), cwd=ctx.path.abspath())
    if rc:
        ctx.fatal('chronus-bench failed')
