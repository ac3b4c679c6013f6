#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Seed corpora for the fuzz targets, and a dictionary for fuzz_patch.

    tests/fuzz/make_seeds.py [--out DIR] [--dict FILE]

writes DIR/patch, DIR/run, DIR/state and DIR/tuning (default: tests/fuzz/corpus next to
this script) and, with --dict, a libFuzzer dictionary of the patch language
(keywords, module types, ports and choices read from docs/modules.md).
The encodings are the ones fuzz_patch.c, fuzz_run.c / fuzz_host.h and
fuzz_state.c decode; tests/fuzz/README.md describes them. Deterministic:
running it twice gives the same files.
"""

import argparse
import glob
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))


def write_dir(path, seeds):
    os.makedirs(path, exist_ok=True)
    # Inputs that once found a bug (bug-*) stay: `./waf test` replays them.
    for old in glob.glob(os.path.join(path, '*')):
        if not os.path.basename(old).startswith('bug-'):
            os.remove(old)
    for name, data in seeds:
        with open(os.path.join(path, name), 'wb') as f:
            f.write(data)


# ---- fuzz_patch: 8-byte header + text --------------------------------------

def patch_header(poly=16, note2=64, sustain=False, vel=100, macros=(2,) * 8, bend=128, block=63, release=4):
    m = [0, 0]
    for k, v in enumerate(macros):
        m[k // 4] |= (v & 3) << (2 * (k % 4))
    return bytes([(poly - 1) % 64, (note2 & 0x7f) | (0x80 if sustain else 0), vel & 0x7f, m[0], m[1],
                  bend & 0xff, block & 0xff, release & 0xff])


EXPRESSIVE = ('patch "Expressive"\nvoice legato\npriority high\nglide 40 rate legato\nbend 12 24\n'
              'create o saw\ncreate f ladder\ncreate a vca\ncreate e adsr\ncreate d drive master\n'
              'connect o f\nconnect f a\nconnect e a.gain\nconnect a d\n'
              'connect ctl.modwheel o.pitch 0.5\nconnect ctl.cc74 f.cutoff 2000\nconnect ctl.cc1 f.resonance 0.3\n'
              'connect ctl.aftertouch d.gain 3\nconnect ctl.bend f.cutoff 500\nconnect note.pressure a.gain 0.2\n'
              'connect note.key f.cutoff 10\nconnect note.release e.release 100\nconnect note.random o.pitch 0.1\n'
              'out d\n')

EDGE = [
    # the error table of docs/patch-language.md, each limit, and patches the
    # verifier must judge (silent, loud, resonant) or that reach rare paths
    ('expressive', EXPRESSIVE),
    ('mono-glide', 'voice mono\nglide 3000\ncreate o sine\nout o\n'),
    ('ctl-bad', 'create o sine\nconnect ctl.cc300 o.pitch\nout o\n'),
    ('unknown-type', 'create osc sawtooth\nout osc\n'),
    ('pan-second', 'create osc saw\ncreate p pan\npan p\npan p\nout osc\n'),
    ('pan-master', 'create osc saw\ncreate sat drive master\nconnect osc sat\npan sat\nout sat\n'),
    ('pan-lfo-master-chain', 'create osc saw\ncreate w lfo\ncreate e lfo\ncreate sat drive master\n'
     'connect osc sat\nconnect e sat.gain 3\npan w\nout sat\n'),
    ('pan-spreads', 'create osc saw\ncreate p pan\nconnect note.random p.pos\nconnect note.velocity p.index 4\n'
     'set p.key -1\nset p.center 127\nset p.random 1\nset p.spread 1\npan p\nout osc\n'),
    ('unknown-statement', 'create osc saw\nconect osc osc\nout osc\n'),
    ('after-end', 'create vcf ladder\nset vcf.resonance 0.82 0.5\nout vcf\n'),
    ('missing-type', 'create filter\n'),
    ('unknown-module', 'create osc saw\ncreate vcf ladder\nconnect osc vfc\nout vcf\n'),
    ('unknown-port', 'create osc saw\ncreate vcf ladder\nconnect osc vcf.cutof\nout vcf\n'),
    ('no-input', 'create osc saw\ncreate vib lfo\nconnect osc vib\nout osc\n'),
    ('master-to-voice', 'create osc saw\ncreate sat drive master\ncreate vcf ladder\nconnect sat vcf\nout vcf\n'),
    ('note-to-master', 'create sat drive master\nconnect note.gate sat.gain\nout sat\n'),
    ('out-of-range', 'create vcf ladder\nset vcf.cutoff 30000\nout vcf\n'),
    ('unknown-choice', 'create vib lfo\nset vib.shape sin\nout vib\n'),
    ('not-a-number', 'create vcf ladder\nset vcf.resonance abc\nout vcf\n'),
    ('unterminated', 'patch "Acid 303\ncreate osc saw\nout osc\n'),
    ('bad-escape', 'patch "A\\tB"\ncreate osc saw\nout osc\n'),
    ('no-out', 'create osc saw\n'),
    ('two-outs', 'create osc saw\nout osc\nout osc\n'),
    ('two-titles', 'patch "a"\npatch "b"\ncreate osc saw\nout osc\n'),
    ('title-too-long', 'patch "' + 'x' * 64 + '"\ncreate osc saw\nout osc\n'),
    ('name-too-long', 'create ' + 'o' * 32 + ' saw\nout ' + 'o' * 32 + '\n'),
    ('reserved-name', 'create note saw\nout note\n'),
    ('duplicate-name', 'create osc saw\ncreate osc sine\nout osc\n'),
    ('self-connect', 'create vcf ladder\nconnect vcf vcf\nout vcf\n'),
    ('duplicate-connect', 'create osc saw\ncreate vcf ladder\nconnect osc vcf\nconnect osc vcf\nout vcf\n'),
    ('depth-too-big', 'create osc saw\ncreate vcf ladder\nconnect osc vcf.cutoff 1e7\nout vcf\n'),
    ('number-too-big', 'create vcf ladder\nset vcf.cutoff 1e39\nout vcf\n'),
    ('number-forms', 'create vcf ladder\nset vcf.cutoff .5\nset vcf.cutoff 5.\nset vcf.cutoff inf\nout vcf\n'),
    ('knob-9', 'create vcf ladder\nmacro 9 vcf.cutoff 100 200\nout vcf\n'),
    ('exp-through-zero', 'create osc saw\nmacro 1 osc.pitch -12 12 exp\nout osc\n'),
    ('unknown-curve', 'create vcf ladder\nmacro 1 vcf.cutoff 100 200 log\nout vcf\n'),
    ('input-as-param', 'create amp vca\nset amp.in 1\nout amp\n'),
    ('master-only', 'create sat drive\nout sat\n'),
    ('cycle', 'create a saw\ncreate f ladder\ncreate l lfo\nconnect a f\nconnect f l.rate\nconnect l f.cutoff 100\nout f\n'),
    ('nul-byte', 'create osc saw\n\0out osc\n'),
    ('crlf', 'patch "CR LF"\r\ncreate osc saw\r\nout osc\r\n'),
    ('stray-cr', 'create osc\rsaw\nout osc\n'),
    ('long-line', 'create osc saw\n#' + 'x' * 1024 + '\nout osc\n'),
    ('line-1024', 'create osc saw\n#' + 'x' * 1023 + '\nout osc\n'),
    ('utf8', 'patch "Caf\u00e9 \u266b"\ncreate \u00e9 saw\nout osc\n'),
    ('bad-utf8', 'create osc saw\ncreate \udcff saw\n'),
    ('silent', 'create osc sine\nset osc.level 0\nout osc\n'),
    ('loud', 'create a saw\ncreate b saw\ncreate c saw\ncreate d square\ncreate m mix\nconnect a m.in1\n'
             'connect b m.in2\nconnect c m.in3\nconnect d m.in4\nset m.gain1 2\nset m.gain2 2\nset m.gain3 2\n'
             'set m.gain4 2\nout m\n'),
    ('resonant', 'create n noise\ncreate f ladder\ncreate s svf\nconnect n f\nconnect f s\n'
                 'set f.resonance 1\nset f.cutoff 20000\nset f.drive 1\nset s.resonance 1\nset s.cutoff 20000\n'
                 'set s.mode bandpass\nconnect note.velocity s.cutoff 1000000\nout s\n'),
    ('unused-modules', 'create a saw\ncreate b sine\ncreate c lfo\nconnect c b.pitch\nout a\n'),
    ('note-sources', 'create o saw\ncreate f ladder\ncreate a vca\nconnect o f\nconnect f a\n'
                     'connect note.pitch f.cutoff 50\nconnect note.gate a.gain\nconnect note.velocity o.level 0.5\n'
                     'connect note.pitch o 0.5\nout a\n'),
    ('master-chain', 'create o saw\ncreate e adsr\ncreate v vca\nconnect o v\nconnect e v.gain\n'
                     'create d1 drive master\ncreate d2 drive master\ncreate m mix master\ncreate l lfo master\n'
                     'connect v d1\nconnect v d2 0.5\nconnect d1 m.in1\nconnect d2 m.in2\nconnect l m.gain2 0.5\n'
                     'connect e d1.gain 10\nmacro 1 m.gain1 0 2\nmacro 1 d2.gain 0 40 lin\nout m\n'),
    ('fm-six-ops', 'create a op\ncreate b op\ncreate c op\ncreate d op\ncreate e op\ncreate f op\n'
                   'connect a b 3\nconnect b c 2\nconnect c f 1\nconnect d e.fm 880\nconnect e f.pm 2\n'
                   'set a.feedback 1.5\nset a.ratio 7\nset d.mode fixed\nset d.fixed 2\nset b.start random\n'
                   'set c.start free\nset f.fine -100\nmacro 1 b.ratio 0.0625 32 exp\nout f\n'),
    ('fm-extreme', 'create a op\ncreate b op\nconnect a b.fm 1000000\nconnect a b.pm 1000000\n'
                   'connect note.velocity a.feedback 1000000\nset b.mode fixed\nset b.fixed 20000\n'
                   'set b.feedback 1.5\nset a.ratio 32\nout b\n'),
    ('fm-master', 'create o op master\ncreate l lfo master\nconnect l o.fm 500\nout o\n'),
    ('wavetable-tables', 'create a wavetable\ncreate b wavetable\ncreate m op\ncreate l lfo\ncreate x mix\n'
                         'connect a x.in1\nconnect b x.in2\nconnect m b.pm 1000000\nconnect l a.position 1000000\n'
                         'connect note.velocity b.position -1000000\nset a.table digital\nset b.table sync\n'
                         'set a.start random\nset b.start free\nset a.pitch 48\nset b.pitch -48\n'
                         'macro 1 a.table 0 5\nmacro 2 b.position 0 1\nout x\n'),
    ('wavetable-master', 'create w wavetable master\nset w.table vocal\nset w.position 1\nout w\n'),
    ('wavetable-missing', 'create w wavetable\nwavetable w "no-such-table.wav"\nout w\n'),
    ('wavetable-not-file', 'create w wavetable\nwavetable w "/" 64\nout w\n'),
    ('wavetable-device', 'create w wavetable\nwavetable w "/dev/zero" 8192\nout w\n'),
    ('wavetable-on-saw', 'create o saw\nwavetable o "a.wav"\nout o\n'),
    ('wavetable-wave-size', 'create w wavetable\nwavetable w "a.wav" 1000\nout w\n'),
    ('wavetable-twice', 'create w wavetable\nwavetable w "a.wav"\nwavetable w "b.wav" 256\nout w\n'),
    ('wavetable-too-many', ''.join('create w%d wavetable\nwavetable w%d "t%d.wav"\n' % (k, k, k) for k in range(9)) +
                           'out w0\n'),
    ('start-modes', 'create a saw\ncreate b square\ncreate c triangle\ncreate d sine\ncreate n noise\n'
                    'create m mix\nconnect a m.in1\nconnect b m.in2\nconnect c m.in3\nconnect d m.in4\n'
                    'connect n m.gain1 0.5\nset a.start random\nset b.start free\nset c.start 1\n'
                    'set d.start free\nconnect d a.sync\nconnect n b.sync\nout m\n'),
    ('delay-lines', 'create p pluck\ncreate c comb\ncreate d delay\ncreate m delay master\nconnect p c\nconnect c d\n'
                    'connect d m\nset p.decay 30\nset p.damping 0\nset p.excite pulse\nset c.track note\n'
                    'set c.tune 48\nset c.amount -0.99\nset c.mode feedforward\nset d.time 0.05\n'
                    'set d.feedback 0.99\nset d.damping 0\nset m.time 50\nset m.feedback -0.99\n'
                    'connect note.pitch d.time 1000000\nconnect p c.freq 1000000\nmacro 1 d.track 0 1\n'
                    'macro 2 c.tune -48 48\nconnect note.velocity p.decay -1000000\nout m\n'),
    ('filters', 'create s saw\ncreate f formant\ncreate l ladder\ncreate v svf\ncreate e adsr\n'
                'connect s f\nconnect f l\nconnect l v\nconnect e f.vowel 4\nconnect e f.shift 1000000\n'
                'connect note.key l.note\nset l.mode highpass24\nset l.keytrack 2\nset v.keytrack -1\n'
                'set v.mode notch\nconnect e l.mode 4\nconnect note.velocity v.note 1000000\n'
                'macro 1 f.resonance 0 1\nmacro 2 l.keytrack -1 2\nout v\n'),
    ('zones', 'create a saw\ncreate b sine\ncreate m mix\ncreate e adsr\nconnect a m.in1\nconnect b m.in2\n'
              'connect e m.gain1\nzone a 0 59\nzone b 60 127\nzone e 36\nzone m 127\nout m\n'),
    ('effects', 'create s saw\ncreate v reverb master\ncreate l lfo master\ncreate p pan\nconnect s v\n'
                'connect l v.size 1000000\nconnect l v.predelay 1000000\nconnect ctl.modwheel v.mix\n'
                'set v.decay 20\nset v.damping 20000\nset v.width 0\nset p.key 1\npan p\n'
                'macro 1 v.size 0.3 2 exp\nout v\n'),
    ('echo', 'create s saw\ncreate d echo master\ncreate c chorus master\ncreate l lfo master\nconnect s c\n'
             'connect c d\nconnect l d.time 1000000\nconnect l d.tempo 1000000\nconnect ctl.tempo d.tempo -1\n'
             'set d.sync whole\nset d.feedback 0.95\nset d.mode stereo\nset d.lowcut 20\nset d.highcut 20000\n'
             'set c.feedback -0.9\nset c.delay 0.5\nset c.depth 10\nmacro 1 d.sync 0 9\nmacro 2 c.rate 0.05 8 exp\n'
             'out d\n'),
    ('dynamics', 'create s saw\ncreate q eq\ncreate c comp master\ncreate l lfo\nconnect s q\nconnect q c\n'
                 'connect l q.midfreq 1000000\nconnect l q.lowgain 1000000\nset q.highgain 24\nset q.midq 12\n'
                 'set c.ratio 20\nset c.knee 0\nset c.attack 0.1\nset c.makeup 24\nset c.threshold -60\n'
                 'connect ctl.modwheel c.mix\nmacro 1 c.release 10 2000 exp\ncreate p phaser master\nconnect c p\n'
                 'set p.stages 12\nset p.feedback -0.9\nconnect ctl.aftertouch p.center 1000000\nout p\n'),
    ('plate-brickwall', 'create s saw\ncreate v reverb master\ncreate b brickwall master\ncreate l lfo master\n'
                        'connect s v\nconnect v b\nset v.type plate\nconnect l v.type 1000000\n'
                        'connect l b.ceiling 1000000\nconnect ctl.modwheel b.gain 24\nset b.release 5\n'
                        'macro 1 v.type 0 1\nmacro 2 b.release 5 1000 exp\nout b\n'),
    ('delay-cycle', 'create s saw\ncreate d delay\ncreate v vca\nconnect s d\nconnect d v\nconnect v d\nout v\n'),
    # unison stacks: spread by note.unison, in the mono modes with glide, and its errors
    ('unison', 'unison 7 25\ncreate o saw\ncreate e adsr\ncreate a vca\ncreate p pan\nset o.start random\n'
               'connect o a\nconnect e a.gain\nconnect note.unison p.index\nconnect note.unison o.fine 5\n'
               'set p.spread 0.8\npan p\nout a\n'),
    ('unison-legato', 'voice legato\nglide 40\nunison 4 200\ncreate o sine\nset o.start free\n'
                      'connect note.unison o.level 0.5\nout o\n'),
    ('unison-range', 'unison 17 20\ncreate o saw\nout o\n'),
    ('unison-zero', 'unison 0\ncreate o saw\nout o\n'),
    ('unison-fraction', 'unison 2.5\ncreate o saw\nout o\n'),
    ('unison-cents', 'unison 3 201\ncreate o saw\nout o\n'),
    ('unison-source', 'create o saw\nconnect note.unisn o.fine\nout o\n'),
    # knob names: named, bound and unbound, and their errors
    ('knob-names', 'create vcf ladder\nmacro 1 "Cutoff"\nmacro 1 vcf.cutoff 100 5000 exp\nmacro 8 "Spare \\"8\\""\n'
                   'macro 2 vcf.resonance 0 0.9\nmacro 2 "D\u00e9tune"\nout vcf\n'),
    ('knob-named-twice', 'create vcf ladder\nmacro 1 "Cutoff"\nmacro 1 "Tone"\nout vcf\n'),
    ('knob-name-long', 'create vcf ladder\nmacro 1 "Low-pass filter cutoff (Hz)"\nout vcf\n'),
    ('knob-name-blank', 'create vcf ladder\nmacro 1 "  "\nout vcf\n'),
    ('knob-name-control', 'create vcf ladder\nmacro 1 "a\tb"\nout vcf\n'),
    ('knob-name-then-binding', 'create vcf ladder\nmacro 1 "Cutoff" vcf.cutoff 100 5000\nout vcf\n'),
    ('no-statement', '\n\n# only comments\n   \t\n'),
    ('empty', ''),
]


def too_many(kind):
    if kind == 'modules':
        return ''.join('create m%d saw\n' % i for i in range(65)) + 'out m0\n'
    if kind == 'connections':
        lines = ['create m%d mix' % i for i in range(40)] + ['create o saw']
        for i in range(40):
            for port in ('in1', 'in2', 'in3', 'in4'):
                lines.append('connect o m%d.%s' % (i, port))
        return '\n'.join(lines) + '\nout m0\n'
    if kind == 'settings':
        return 'create o saw\n' + 'set o.level 0.5\n' * 257 + 'out o\n'
    if kind == 'macros':
        return 'create o saw\n' + ''.join('macro %d o.level 0 1\n' % (1 + i % 8) for i in range(33)) + 'out o\n'
    if kind == 'text':
        body = 'patch "Big"\ncreate o saw\nout o\n'
        while len(body) <= 65536:
            body += '#' + 'x' * 98 + '\n'
        return body[:65537]
    raise ValueError(kind)


def doc_patches():
    out = []
    for path in ('docs/patch-language.md', 'README.md'):
        text = open(os.path.join(ROOT, path), encoding='utf-8').read()
        for i, block in enumerate(re.findall(r'```(?:chronus)?\n(.*?)```', text, re.S)):
            if 'create ' in block and 'out ' in block:
                out.append(('doc-%s-%d' % (os.path.basename(path).split('.')[0], i), block))
    return out


def patch_seeds():
    seeds = []
    files = sorted(glob.glob(os.path.join(ROOT, 'examples', '*.chronus')) +
                   glob.glob(os.path.join(ROOT, 'presets', '*.chronus')))
    for i, f in enumerate(files):
        data = open(f, 'rb').read()
        name = os.path.basename(os.path.dirname(f)) + '-' + os.path.basename(f)
        seeds.append((name, patch_header(poly=1 + (i * 7) % 64, note2=36 + i * 5, sustain=i % 2 == 1,
                                         macros=tuple((i + k) % 4 for k in range(8)), bend=(i * 37) % 256,
                                         block=i * 11, release=i) + data))
    for name, text in EDGE + doc_patches():
        seeds.append(('edge-' + name if not name.startswith('doc-') else name,
                      patch_header() + text.encode('utf-8', 'surrogateescape')))
    for kind in ('modules', 'connections', 'settings', 'macros', 'text'):
        seeds.append(('limit-' + kind, patch_header(poly=64) + too_many(kind).encode()))
    # the widest stack at the most notes: the slot's voice limit takes notes off
    seeds.append(('limit-unison', patch_header(poly=64) + b'unison 16 200\ncreate o saw\nout o\n'))
    return seeds


def patch_dict(path):
    words = ['patch', 'create', 'connect', 'set', 'macro', 'out', 'master', 'lin', 'exp', 'note',
             'note.pitch', 'note.gate', 'note.velocity', 'note.key', 'note.release', 'note.random',
             'note.pressure', 'ctl', 'ctl.modwheel', 'ctl.breath', 'ctl.foot', 'ctl.expression',
             'ctl.aftertouch', 'ctl.bend', 'ctl.cc74', 'ctl.cc127', 'voice', 'poly', 'mono', 'legato',
             'priority', 'last', 'low', 'high', 'glide', 'time', 'rate', 'always', 'bend', 'pan', 'unison',
             'note.unison', 'note.slide', '\n', '\r\n', '\t', '#', '"', '\\"', '\\\\',
             '.', '-', '+', 'e-3', '1e6', '1000000', '0.5', '20000', '-48', '1024']
    text = open(os.path.join(ROOT, 'docs', 'modules.md'), encoding='utf-8').read()
    words += re.findall(r'^## (\w+)', text, re.M)
    words += re.findall(r'^\| `(\w+)` \|', text, re.M)
    words += re.findall(r'\d+ = `(\w+)`', text)

    def escape(w):
        out = ''
        for b in w.encode():
            c = chr(b)
            out += '\\' + c if c in '"\\' else (c if 32 <= b < 127 else '\\x%02x' % b)
        return '"' + out + '"'

    seen, lines = set(), []
    for w in words:
        if w not in seen:
            seen.add(w)
            lines.append(escape(w))
    with open(path, 'w') as f:
        f.write('# libFuzzer dictionary for fuzz_patch, generated by tests/fuzz/make_seeds.py\n')
        f.write('\n'.join(lines) + '\n')


# ---- fuzz_run / fuzz_state: the fuzz_host.h encoding -------------------------

def u8(v):
    return struct.pack('<B', v & 0xff)


def u16(v):
    return struct.pack('<H', v & 0xffff)


def u32(v):
    return struct.pack('<I', v & 0xffffffff)


def host_header(worker=1, log=True, options=None, refuse_schedule=False, refuse_respond=False,
                activate=True, reactivate=False, rate=0, cap=0, refuse=0, late=False, no_map=False):
    """worker: 0 none, 1 inline, 2 deferred. rate: index (0 = 48000).
    options: None or the block selector byte. cap: notify capacity index.
    late: responses delivered before the next run(). no_map: no urid:map."""
    flags = worker & 3
    flags |= 0 if log else 0x04
    flags |= 0x08 if options is not None else 0
    flags |= 0x10 if refuse_schedule else 0
    flags |= 0x20 if refuse_respond else 0
    flags |= 0 if activate else 0x40
    flags |= 0x80 if reactivate else 0
    return bytes([flags, rate | (0x10 if no_map else 0), options or 0, cap | (0x10 if late else 0), refuse])


# Every input control in the order of the control table (src/controls.h),
# with its default: bit k of a block's mask reaches inputs k, k + 15, ...
# (fuzz_host.h), and each reached one reads a value, its default here unless
# the seed gives one.
PORTS = [('volume', 0.0), ('crossfade', 30.0), ('polyphony', 16.0)] + \
        [('macro%d' % k, 0.5) for k in range(1, 9)] + \
        [('program', 0.0), ('limiter', 1.0), ('bend_up', -1.0), ('bend_down', -1.0), ('glide', -1.0),
         ('tune_key', 60.0), ('tune_hz', 261.625565), ('mpe_lower', 0.0), ('mpe_upper', 0.0), ('mpe_bend', 48.0),
         ('hot_reload', 1.0)]
SPECIAL = {'nan': 0, '-nan': 1, 'inf': 2, '-inf': 3, 'max': 4, '-max': 5, '1e30': 6, '-1e30': 7, '0': 8,
           '-0': 9, '1': 10, '0.5': 11, '64': 12, '65': 13, 'denormal': 14, '2^31': 15}


def port_value(v):
    if isinstance(v, str):
        return u8(SPECIAL[v])
    return u8(0xff) + struct.pack('<f', v)


def block(frames, ports=None, events=(), unit_int=False):
    ports = ports or {}
    assert all(name in dict(PORTS) for name in ports), ports
    mask = 0
    vals = b''
    for bit in range(15):
        reached = PORTS[bit::15]
        if any(name in ports for name, _ in reached):
            mask |= 1 << bit
    for i, (name, default) in enumerate(PORTS):
        if mask & (1 << (i % 15)):
            vals += port_value(ports.get(name, default))
    if unit_int:
        mask |= 0x8000
    return u16(frames - 1) + u16(mask) + vals + u8(len(events)) + b''.join(events)


def ev(kind, t, flags, payload=b''):
    return u8(kind) + u16(t) + u8(flags) + payload


def midi(t, *data):
    return ev(0, t, len(data)) + bytes(data)


def set_text(t, text, nuls=1, subject=False, value_first=False, blank=False, oversize=0):
    flags = (nuls & 3) << 1 | (0x08 if subject else 0) | (0x10 if value_first else 0) | (1 if blank else 0)
    if oversize:
        flags |= 0x20 | ((oversize - 1) & 3) << 6
    data = text.encode() if isinstance(text, str) else text
    return ev(1, t, flags, u16(len(data)) + data)


def set_factory(t, index, nuls=1):
    return ev(9, t, (nuls & 3) << 1, u8(index))


def set_file(t, menu=None, raw=None, nuls=1, as_string=False, key=0):
    # key: 0 patchFile, 2 scaleFile, 3 keymapFile (flags bits 5-6)
    flags = (nuls & 3) << 1 | (0x10 if as_string else 0) | (key & 3) << 5
    if menu is not None:
        return ev(2, t, flags, u8(menu))
    if raw == 'long':
        return ev(2, t, flags, u8(0xff) + u16(2000))
    return ev(2, t, flags, u8(30) + u8(len(raw)) + raw)


def set_any(t, key, vtype, raw, ptype=None, no_property=False, no_value=False, short_urid=False):
    flags = (0x10 if ptype is not None else 0) | (0x20 if no_property else 0) | (0x80 if no_value else 0)
    flags |= 0x40 if short_urid else 0
    return ev(3, t, flags, u8(key) + (u8(ptype) if ptype is not None else b'') + u8(vtype) + u8(len(raw)) + raw)


def get(t, with_property=False, truncated=False):
    flags = (0x10 if with_property else 0) | (0x20 if truncated else 0)
    return ev(4, t, flags, u8(0) if with_property else b'')


def lying_set(t, raw, lie, file=False, value_first=False, cut=None, big_lie=False):
    flags = (0x10 if file else 0) | (0x20 if big_lie else 0) | (0x40 if value_first else 0)
    flags |= 0x80 if cut is not None else 0
    payload = u8(len(raw)) + raw + (u32(lie) if big_lie else u16(lie))
    if cut is not None:
        payload += u8(cut)
    return ev(8, t, flags, payload)


def raw_event(t, type_index, raw, declared=None):
    flags = 0x10 if declared is not None else 0
    return ev(7, t, flags, u8(type_index) + u16(len(raw)) + raw + (u16(declared) if declared is not None else b''))


def random_object(t, seed_bytes):
    return ev(5, t, 0, seed_bytes)


ACID = open(os.path.join(ROOT, 'examples', 'acid.chronus')).read()
SINE = 'patch "Sine"\ncreate s sine\ncreate env adsr\ncreate amp vca\nconnect s amp\nconnect env amp.gain\nout amp\n'

# fh_urid_menu indices (fuzz_host.h)
M_PATCHTEXT, M_PATCHFILE, M_STATUS, M_PROGRAM, M_UNKNOWN = 0, 1, 14, 15, 19
M_SCOPE, M_GRAPH, M_SCOPEDATA = 32, 33, 34
M_SPECTRUM, M_SPECTRUMDATA, M_SWAP = 35, 36, 37
# fh_value_type indices
V_STRING, V_PATH, V_INT, V_FLOAT, V_URID, V_OBJECT = 0, 1, 2, 3, 4, 5
V_BOOL, V_VECTOR = 9, 10


def run_seeds():
    s = []
    chord = [midi(0, 0x90, 60, 100), midi(10, 0x90, 64, 90), midi(20, 0x90, 67, 80)]
    s.append(('play-inline', host_header(worker=1) +
              block(256, events=chord) + block(256, events=[set_text(5, ACID)]) +
              block(512) + block(512, events=[midi(0, 0x80, 60, 0), midi(1, 0x80, 64, 0)]) + block(1024)))
    s.append(('play-deferred-file', host_header(worker=2, options=0) +
              block(128, events=[midi(0, 0x90, 48, 127), set_file(3, menu=0)]) + block(128) +
              block(128, events=[set_file(0, menu=2), set_file(1, menu=3), set_file(2, menu=4)]) + block(128) +
              block(128, events=[set_file(0, menu=5), set_file(1, menu=7), set_file(2, menu=9)]) + block(256)))
    s.append(('no-worker', host_header(worker=0) +
              block(64, events=[set_text(0, SINE), midi(1, 0x90, 60, 100)]) + block(64)))
    s.append(('ports-wild', host_header(worker=1) +
              block(300, ports={'volume': 'nan', 'crossfade': 'inf', 'polyphony': '-inf', 'macro1': 'max',
                                'macro2': '-1e30', 'program': 'nan'}, events=[midi(0, 0x90, 70, 64)]) +
              block(1, ports={'polyphony': 1.0, 'program': 3.0, 'crossfade': 0.0}) +
              block(4096, ports={'volume': 12.0, 'polyphony': '65', 'program': '1e30', 'macro8': 'denormal'}) +
              block(77, ports={'program': -5.0, 'volume': '-max'})))
    s.append(('midi-lengths', host_header(worker=1) +
              block(512, events=[midi(i * 8, *([0x90, 60, 100, 1, 2, 3, 4, 5][:i])) for i in range(5)]) +
              block(512, events=[midi(i * 8, *([0x90, 62, 100, 1, 2, 3, 4, 5][:i])) for i in range(5, 9)]) +
              block(512, events=[midi(0, 0xb0, 64, 127), midi(5, 0x80, 60, 0), midi(6, 0xe0, 0, 0),
                                 midi(7, 0xe0, 127, 127), midi(8, 0xb0, 123, 0), midi(9, 0xb0, 120, 0),
                                 midi(10, 0xb0, 64, 0), midi(11, 0x90, 60, 0)])))
    s.append(('wrong-types', host_header(worker=1) +
              block(128, events=[set_any(0, M_PATCHTEXT, V_PATH, b'create o saw\nout o\n'),
                                 set_any(1, M_PATCHFILE, V_STRING, b'/tmp/x'),
                                 set_any(2, M_PATCHTEXT, V_INT, b'\x01\x00\x00\x00'),
                                 set_any(3, M_PATCHTEXT, V_OBJECT, b'\x00' * 16),
                                 set_any(4, M_STATUS, V_STRING, b'hello'),
                                 set_any(5, M_UNKNOWN, V_FLOAT, b'\x00\x00\x80\x3f'),
                                 set_any(6, M_PATCHTEXT, V_STRING, b'x', ptype=V_INT),
                                 set_any(7, M_PATCHTEXT, V_STRING, b'x', short_urid=True)]) +
              block(128, events=[set_any(0, M_PATCHTEXT, V_STRING, b'', no_property=True),
                                 set_any(1, M_PATCHTEXT, V_STRING, b'', no_value=True),
                                 get(2), get(3, with_property=True), get(4, truncated=True)])))
    s.append(('lying-sizes', host_header(worker=1) +
              block(64, events=[lying_set(0, b'create o saw\nout o\n', 60000),
                                lying_set(1, b'/tmp/x', 0xfff0, file=True),
                                lying_set(2, b'abc', 0xfffffff0, big_lie=True, value_first=True),
                                lying_set(3, b'create o saw\nout o\n', 19, cut=5),
                                raw_event(4, 6, b'\x00' * 4), raw_event(5, 7, b'\x01\x02', declared=3000),
                                raw_event(6, 13, b''), raw_event(7, 25, b'\xff' * 9)])))
    # every MIDI message kind: CCs (14-bit pairs), poly and channel
    # aftertouch, bank select and program change (existing and not), note
    # off velocity, bends, with the expression ports moved
    s.append(('expression', host_header(worker=1) +
              block(256, events=[set_text(0, EXPRESSIVE), midi(1, 0x90, 60, 100)]) +
              block(256, ports={'bend_up': 48.0, 'bend_down': 'nan'},
                    events=[midi(0, 0x90, 64, 90), midi(1, 0xb0, 1, 127), midi(2, 0xb0, 33, 127),
                            midi(3, 0xb0, 74, 10), midi(4, 0xa0, 64, 127), midi(5, 0xd0, 99),
                            midi(6, 0xe0, 0, 0), midi(7, 0xe0, 127, 127), midi(8, 0x80, 64, 127),
                            midi(9, 0xa0, 60), midi(10, 0xd0), midi(11, 0xc0)]) +
              block(256, events=[midi(0, 0xb0, 0, 0), midi(1, 0xb0, 32, 0), midi(2, 0xc0, 3),
                                 midi(3, 0xb0, 0, 127), midi(4, 0xc0, 127), midi(5, 0x90, 67, 1)]) +
              block(512, ports={'bend_down': 0.0, 'bend_up': -1.0}, events=[midi(0, 0x80, 60, 0)]) + block(1024)))
    # MPE as a controller sends it: the MPE Configuration Message (lower
    # zone), each finger's bend, pressure and CC 74 on its own channel,
    # RPN 0 on a member, an NRPN's data entry, the same key on two
    # channels, a swap with MPE notes held, an upper zone overlapping the
    # lower one, the zone ports moved (and out of range), the zone off.
    mcm = lambda t, ch, n: [midi(t, 0xb0 | ch, 101, 0), midi(t, 0xb0 | ch, 100, 6), midi(t, 0xb0 | ch, 6, n),
                            midi(t, 0xb0 | ch, 101, 127), midi(t, 0xb0 | ch, 100, 127)]
    s.append(('mpe', host_header(worker=1) +
              block(256, events=[set_text(0, EXPRESSIVE)] + mcm(1, 0, 15) +
                    [midi(2, 0xe1, 0, 80), midi(2, 0xd1, 30), midi(2, 0xb1, 74, 90), midi(3, 0x91, 60, 100),
                     midi(4, 0x92, 60, 100), midi(5, 0xe2, 127, 127)]) +
              block(256, events=[midi(0, 0xb2, 101, 0), midi(0, 0xb2, 100, 0), midi(0, 0xb2, 6, 96),
                                 midi(0, 0xb2, 38, 99), midi(1, 0xb2, 99, 1), midi(1, 0xb2, 98, 2),
                                 midi(1, 0xb2, 6, 5), midi(2, 0xa2, 60, 70), midi(3, 0xe0, 0, 100),
                                 set_text(4, SINE), midi(5, 0xd2, 127)]) +
              block(256, events=mcm(0, 15, 9) + [midi(1, 0x9e, 72, 90), midi(2, 0xee, 0, 0), midi(3, 0x81, 60, 0)]) +
              block(256, ports={'mpe_lower': 3.0, 'mpe_upper': 'max', 'mpe_bend': 'nan'},
                    events=[midi(0, 0x93, 50, 90), midi(1, 0xe3, 5, 5)]) +
              block(256, ports={'mpe_lower': -1.0, 'mpe_upper': 0.0, 'mpe_bend': 96.0},
                    events=mcm(0, 0, 0) + [midi(1, 0x82, 60, 0), midi(2, 0xb0, 6)]) + block(512)))
    # the host's transport (time:Position) driving an echo synced to
    # ctl.tempo: a tempo of every value type, out of range, NaN, a string,
    # a lying size, before and during notes
    def position(t, vtype, raw, speed=None, lie=None, odd_len=False):
        flags = (vtype << 1) | (0x10 if speed is not None else 0) | (0x20 if speed else 0)
        flags |= 0x40 if odd_len else 0
        flags |= 0x80 if lie is not None else 0
        payload = (u8(len(raw)) if odd_len else b'') + raw + (u16(lie) if lie is not None else b'')
        return ev(10, t, flags, payload)
    ECHO = ('create o square\ncreate e adsr\ncreate a vca\ncreate d echo master\nconnect o a\n'
            'connect e a.gain\nconnect a d\nconnect ctl.tempo d.tempo\nset d.sync dotted_eighth\n'
            'set d.feedback 0.9\nset d.lowcut 20\nset d.highcut 20000\nout d\n')
    s.append(('transport', host_header(worker=1) +
              block(256, events=[set_text(0, ECHO), position(1, 0, struct.pack('<f', 150.0), speed=1),
                                 midi(2, 0x90, 60, 100)]) +
              block(512, events=[position(0, 1, struct.pack('<d', 97.5)), position(3, 2, struct.pack('<i', 140)),
                                 position(5, 3, struct.pack('<q', 90)), position(7, 4, b'abc\0'),
                                 position(9, 0, struct.pack('<f', float('nan'))),
                                 position(11, 0, struct.pack('<f', 0.5)), position(13, 0, struct.pack('<f', 5000.0)),
                                 position(15, 0, struct.pack('<f', 120.0), lie=60000),
                                 position(17, 1, b'\x01\x02', odd_len=True), midi(20, 0x80, 60, 0)]) +
              block(4096) + block(4096, events=[position(0, 0, struct.pack('<f', 300.0), speed=0)]) + block(4096)))
    # live sets (chronus:set): valid ones on every kind of parameter, a
    # knob swept many times in one block, unknown names, out-of-range and
    # junk values, raw bytes, the wrong atom type, then a rebuild
    def live(t, module=0, param=0, value=0, with_set=False, raw=None, nuls=1, path=False):
        flags = (nuls << 1) | (0x10 if raw is not None else 0) | (0x20 if with_set else 0) | (0x40 if path else 0)
        payload = (u8(len(raw)) + raw) if raw is not None else u8(module) + u8(param) + u8(value)
        return ev(11, t, flags, payload)
    LIVE = ('create osc saw\ncreate vcf ladder\ncreate amp vca\ncreate env adsr\nconnect osc vcf\n'
            'connect vcf amp\nconnect env amp.gain\nout amp\n')
    # The UI's messages (docs/ui.md): the scope on (Bool, Int), its data
    # flowing over blocks of every size, a patch:Get for the graph, a
    # scope message of the wrong type or too short, and what only the
    # plugin sends (graph, scope data) sent back to it; then off.
    on, off = struct.pack('<i', 1), struct.pack('<i', 0)
    s.append(('ui-scope', host_header(worker=1) +
              block(256, events=[set_text(0, ACID), midi(1, 0x90, 45, 110)]) +
              block(256, events=[set_any(0, M_SCOPE, V_BOOL, on)]) +
              block(4095) + block(1) + block(2000, events=[get(3)]) + block(1600) +
              block(256, events=[set_any(0, M_SCOPE, V_INT, off), set_any(1, M_SCOPE, V_INT, on),
                                 set_any(2, M_SCOPE, V_BOOL, on[:2]), set_any(3, M_SCOPE, V_FLOAT, on),
                                 set_any(4, M_GRAPH, V_STRING, b'module\tx\tsine\tvoice\n'),
                                 set_any(5, M_SCOPEDATA, V_VECTOR, on + on)]) +
              block(4095) + block(3000) +
              block(256, events=[set_any(0, M_SCOPE, V_BOOL, off)]) + block(4095)))
    # The UI's spectrum (docs/ui.md): on (Bool, Int) over blocks of every
    # size, through a patch swap (the swap in progress goes out too), a
    # message of the wrong type or too short, the spectrum data and the
    # swap sent back to the plugin; then off.
    s.append(('ui-spectrum', host_header(worker=1) +
              block(256, events=[set_text(0, SINE), midi(1, 0x90, 69, 110)]) +
              block(256, events=[set_any(0, M_SPECTRUM, V_BOOL, on), set_any(1, M_SCOPE, V_BOOL, on)]) +
              block(4095) + block(1) + block(2048, events=[set_text(3, ACID)]) + block(1600) + block(7) +
              block(256, events=[set_any(0, M_SPECTRUM, V_INT, off), set_any(1, M_SPECTRUM, V_INT, on),
                                 set_any(2, M_SPECTRUM, V_BOOL, on[:2]), set_any(3, M_SPECTRUM, V_FLOAT, on),
                                 set_any(4, M_SPECTRUMDATA, V_VECTOR, on + on),
                                 set_any(5, M_SWAP, V_FLOAT, struct.pack('<f', 0.5))]) +
              block(4095) + block(3000) +
              block(256, events=[set_any(0, M_SPECTRUM, V_BOOL, off)]) + block(4095)))
    s.append(('live-sets', host_header(worker=1) +
              block(256, events=[set_text(0, LIVE), midi(1, 0x90, 48, 100)]) +
              block(256, events=[live(0, 0, 0, 1), live(1, 0, 7, 8), live(2, 1, 6, 5, with_set=True),
                                 live(3, 2, 2, 3), live(4, 4, 3, 4), live(5, 0, 10, 0), live(6, 12, 0, 1),
                                 live(7, 0, 0, 9), live(8, 0, 0, 11), live(9, 0, 0, 6), live(10, 0, 0, 7),
                                 live(11, raw=b'vcf.cutoff\x00800'), live(12, raw=b'\xff\xfe.\x01 2'),
                                 live(13, 0, 0, 1, path=True), live(14, 3, 8, 13)] +
                    [live(20 + i, 0, 0, i % 3) for i in range(40)]) +
              block(256, ports={'polyphony': 4.0}, events=[live(0, 0, 1, 5)]) +
              block(256, events=[live(0, 0, 0, 2, nuls=0)]) + block(4096) + block(4096)))
    s.append(('factory-all', host_header(worker=2, options=2) +
              b''.join(block(1 + i * 97, events=[set_factory(0, i), midi(0, 0x90, 40 + i, 100)])
                       for i in range(12))))
    s.append(('oversize-text', host_header(worker=1) +
              block(64, events=[set_text(0, 'create o saw\nout o\n', oversize=3)]) +
              block(64, events=[set_text(0, '#\n', oversize=4)]) + block(64)))
    s.append(('nested-objects', host_header(worker=1, cap=7) +
              block(64, events=[random_object(0, bytes([1, 4, 5, 19, 0, 3, 1, 2, 3, 0, 2, 0, 0, 4, 0, 9]))]) +
              block(64, events=[random_object(0, bytes([0, 5, 3, 5, 0x80, 0x10, 0x00, 1, 1, 1, 2, 3, 4, 5]))])))
    s.append(('refusing-worker', host_header(worker=2, refuse_schedule=True, refuse_respond=True, refuse=0x5a) +
              block(64, events=[set_factory(0, 3), set_factory(1, 4)], ports={'polyphony': 3.0}) +
              block(64, events=[set_factory(0, 5)]) + block(64) + block(64) + block(64)))
    s.append(('tiny-notify', host_header(worker=1, cap=14) +
              block(64, events=[set_text(0, SINE), get(1)]) + block(64)))
    s.append(('rates-and-options', host_header(worker=1, rate=3, options=0x03 | 0x08) +
              block(4096, events=[midi(0, 0x90, 100, 100)]) + block(4096)))
    s.append(('reactivate', host_header(worker=1, reactivate=True, activate=False) +
              block(64, events=[midi(0, 0x90, 60, 100)]) + block(64) + block(64, events=[midi(0, 0x80, 60, 0)])))
    s.append(('no-urid-map', host_header(worker=1, no_map=True)))
    s.append(('late-delivery', host_header(worker=2, late=True) +
              block(64, events=[set_factory(0, 2), midi(1, 0x90, 60, 100)]) + block(64, events=[set_factory(0, 3)]) +
              block(64) + block(64)))
    s.append(('unit-beats', host_header(worker=1) +
              block(64, events=[midi(0xfff0, 0x90, 60, 100), midi(30000, 0x90, 61, 100)], unit_int=True)))
    s.append(('tuning', host_header(worker=1) +
              block(128, events=[midi(0, 0x90, 61, 100), set_file(5, menu=10, key=2)]) + block(128) +
              block(128, events=[set_file(0, menu=11, key=3), midi(9, 0x90, 63, 100)]) + block(128) +
              block(128, events=[set_file(0, menu=12, key=2), set_file(1, raw=b'x.kbm', key=3)]) + block(256)))
    return s


def state_header(worker=0, map_path=False, free_path=False, block_before=False, save=False, twice=False,
                 bit7=False):
    f = worker & 3
    f |= 0x04 if map_path else 0
    f |= 0x08 if free_path else 0
    f |= 0x10 if block_before else 0
    f |= 0x20 if save else 0
    f |= 0x40 if twice else 0
    f |= 0x80 if bit7 else 0
    return u8(f)


# key selectors and content selectors of add_fuzz_prop (fuzz_state.c)
K_TEXT, K_FILE, K_VERSION, K_PROGRAM, K_STATUS, K_UNMAPPED, K_SCALE, K_KEYMAP = 0, 1, 2, 3, 4, 5, 8, 9
T_RIGHT = 0  # any type selector < 128 gives the key's own type


def prop(key, content, size_mode=1, tsel=T_RIGHT, flags=3):
    return u8(key) + u8(tsel) + u8(flags) + content[:1] + u8(size_mode) + content[1:]


def c_raw(data):
    return u8(0) + u16(len(data)) + data


def c_factory(i):
    return u8(1) + u8(i)


def c_path(menu):
    return u8(2) + u8(menu)


def c_int(index):  # 0:1 1:0 2:2 3:-1 4:INT32_MAX 5:INT32_MIN 6:12 7:13
    return u8(3) + u8(index)


def c_big(i, extra):
    return u8(5) + u8(i) + u8(extra)


def c_huge():
    return u8(6)


def c_nul(i, pos):
    return u8(7) + u8(i) + u16(pos)


def wrong_type(key_type_index):
    # tsel >= 128 picks types[tsel % 12]: 128 % 12 = 8, so types[i] needs tsel = 128 + (i - 8) % 12
    return 128 + (key_type_index - 8) % 12


def state_seeds():
    s = []
    play = block(256, events=[midi(0, 0x90, 60, 100)]) + block(256)
    full = [prop(K_VERSION, c_int(0), 5), prop(K_PROGRAM, c_int(2), 5), prop(K_TEXT, c_factory(2)),
            prop(K_FILE, c_path(13))]
    s.append(('full-save-roundtrip', host_header(worker=1) + state_header(worker=1, map_path=True, free_path=True,
                                                                          save=True) +
              u8(len(full)) + b''.join(full) + block(64, ports={'program': 2.0}) + play))
    s.append(('text-only-inline', host_header(worker=0) + state_header(worker=2) +
              u8(1) + prop(K_TEXT, c_raw(SINE.encode()), 0) + play))
    s.append(('no-worker-direct', host_header(worker=1) + state_header(worker=0, save=True) +
              u8(2) + prop(K_VERSION, c_int(0), 5) + prop(K_TEXT, c_factory(5), 2) + play))
    s.append(('version-2', host_header(worker=1) + state_header() +
              u8(2) + prop(K_VERSION, c_int(2), 5) + prop(K_TEXT, c_factory(1)) + play))
    s.append(('version-wrong-type', host_header(worker=1) + state_header() +
              u8(2) + prop(K_VERSION, c_raw(b'1'), 0, tsel=wrong_type(0)) + prop(K_TEXT, c_factory(1)) + play))
    s.append(('text-as-path', host_header(worker=1) + state_header(worker=1) +
              u8(1) + prop(K_TEXT, c_factory(3), 1, tsel=wrong_type(1)) + play))
    s.append(('text-over-limit', host_header(worker=1) + state_header(worker=3) +
              u8(2) + prop(K_TEXT, c_big(0, 4), 0) + prop(K_TEXT, c_big(0, 0), 1) + play))
    s.append(('text-at-limit', host_header(worker=2) + state_header(worker=3) +
              u8(1) + prop(K_TEXT, c_big(1, 2), 1) + play))
    s.append(('text-huge', host_header(worker=1) + state_header(worker=2) +
              u8(1) + prop(K_TEXT, c_huge(), 0) + play))
    s.append(('text-with-nul', host_header(worker=1) + state_header(worker=2) +
              u8(1) + prop(K_TEXT, c_nul(4, 40), 1) + play))
    s.append(('text-empty', host_header(worker=1) + state_header(worker=2) +
              u8(1) + prop(K_TEXT, c_raw(b''), 3) + play))
    s.append(('file-only-mapped', host_header(worker=2) + state_header(worker=3, map_path=True, free_path=True) +
              u8(1) + prop(K_FILE, c_path(13), 1) + play))
    s.append(('file-broken-unmapped', host_header(worker=1) + state_header(worker=2) +
              u8(1) + prop(K_FILE, c_path(2), 0) + play))
    s.append(('file-map-null', host_header(worker=1) + state_header(worker=2, map_path=True, bit7=True) +
              u8(1) + prop(K_FILE, c_path(13), 1) + play))
    s.append(('file-long', host_header(worker=1) + state_header(worker=2, map_path=True) +
              u8(1) + prop(K_FILE, u8(2) + u8(0xff) + u16(3000), 1) + play))
    s.append(('file-raw', host_header(worker=1) + state_header(worker=2) +
              u8(1) + prop(K_FILE, c_raw(b'../../dev/stdin'), 1) + play))
    s.append(('unknown-keys', host_header(worker=1) + state_header(worker=1, twice=True) +
              u8(4) + prop(K_STATUS, c_raw(b'x'), 1) + prop(K_UNMAPPED, c_raw(b'y'), 1) +
              prop(K_PROGRAM, c_int(4), 5) + prop(K_PROGRAM, c_raw(b'\x01'), 0) + play))
    s.append(('sizes', host_header(worker=1) + state_header(worker=2) +
              u8(3) + prop(K_VERSION, c_int(0), 4) + prop(K_TEXT, c_factory(0), 4) +
              prop(K_FILE, c_path(0), 3) + play))
    s.append(('late-delivery-restore', host_header(worker=1, late=True) + state_header(worker=0, block_before=True) +
              u8(1) + prop(K_TEXT, c_factory(6), 1) + block(64, events=[set_factory(0, 5)]) + play))
    s.append(('block-before-refusing', host_header(worker=2, refuse_schedule=True, refuse=0xff) +
              state_header(worker=2, block_before=True, bit7=True, save=True) +
              u8(1) + prop(K_TEXT, c_factory(7), 1) + play))
    s.append(('tuning-files', host_header(worker=1) + state_header(worker=2) +
              u8(3) + prop(K_TEXT, c_factory(1)) + prop(K_SCALE, c_path(10), 1) + prop(K_KEYMAP, c_path(11), 1) +
              play))
    s.append(('tuning-broken-mapped', host_header(worker=2) + state_header(worker=3, map_path=True, free_path=True) +
              u8(2) + prop(K_TEXT, c_factory(2)) + prop(K_SCALE, c_path(12), 1) + play))
    return s


# ---- fuzz_tuning: 3-byte header + scale text [+ NUL + keyboard map] --------

def tuning_seeds():
    def seed(scl, kbm=None, ref_key=60, freq_byte=119):
        head = bytes([1 if kbm is not None else 0, ref_key, freq_byte])
        return head + scl.encode() + (b'\0' + kbm.encode() if kbm is not None else b'')
    edo12 = '! 12-tet.scl\n!\n12 tone equal temperament\n12\n!\n' + ''.join(
        ' %d.0\n' % (100 * i) for i in range(1, 12)) + ' 2/1\n'
    edo19 = '19-EDO\n 19\n' + ''.join('%.5f\n' % (i * 1200 / 19) for i in range(1, 19)) + '2/1\n'
    just = "! ptolemy.scl\nPtolemy's intense diatonic\n7\n9/8\n5/4\n4/3\n3/2 ! the fifth\n5/3\n15/8\n2/1\n"
    d_map = '! D major keys\n12\n0\n127\n62\n69\n440.0\n7\n0\nx\n1\nx\n2\n3\nx\n4\nx\n5\nx\n6\n'
    return [
        ('edo12', seed(edo12)),
        ('edo12-a440', seed(edo12, ref_key=69, freq_byte=200)),
        ('edo19', seed(edo19)),
        ('just-d-map', seed(just, d_map)),
        ('just-short-map', seed(just, '4\n0\n127\n60\n60\n261.6\n3\n0\n1\n')),
        ('just-ref-unmapped', seed(just, '12\n0\n127\n62\n63\n440\n7\n0\nx\n1\n')),
        ('linear-map-range', seed(edo19, '0\n20\n100\n60\n69\n440\n0\n')),
        ('crlf-tolerated', seed('\r\n 3\r\n 400.0 cents\r\n\r\n 5/3 a sixth\r\n 2\r\n')),
        ('bad-count', seed('desc\ntwelve\n')),
        ('bad-ratio-zero', seed('desc\n2\n100.0\n  3/0\n')),
        ('bad-negative-period', seed('desc\n1\n-100.0\n')),
        ('bad-missing-pitch', seed('desc\n2\n100.0\n')),
        ('bad-control-bytes', seed('desc\n1\n\x01\x7f/2\n')),
        ('bad-map-freq', seed(edo12, '12\n0\n127\n60\n69\n0.0\n12\n')),
        ('bad-map-range', seed(edo12, '12\n90\n10\n60\n69\n440\n12\n')),
        ('huge-steps', seed('big\n1\n99999.0\n', ref_key=0, freq_byte=0)),
    ]


def osc_message(path, *args):
    """One OSC message: args are ints (i), floats (f), strs (s) or bytes (a
    raw blob, b)."""
    def pad(b):
        return b + b'\0' * (4 - len(b) % 4)
    types, data = ',', b''
    for a in args:
        if isinstance(a, bool):
            types += 'T' if a else 'F'
        elif isinstance(a, int):
            types, data = types + 'i', data + struct.pack('>i', a)
        elif isinstance(a, float):
            types, data = types + 'f', data + struct.pack('>f', a)
        elif isinstance(a, bytes):
            types, data = types + 'b', data + struct.pack('>i', len(a)) + a + b'\0' * (-len(a) % 4)
        else:
            types, data = types + 's', data + pad(a.encode())
    return pad(path.encode()) + pad(types.encode()) + data


def osc_bundle(*elements):
    return b'#bundle\0' + b'\0' * 8 + b''.join(struct.pack('>i', len(e)) + e for e in elements)


def osc_seeds():
    """fuzz_osc inputs: datagrams, each [u16 size][bytes]."""
    def seed(*packets):
        return b''.join(u16(len(p)) + p for p in packets)
    m = osc_message
    build = [m('/patch/abort'), m('/patch/create', 'osc', 'saw'), m('/patch/create', 'vcf', 'ladder'),
             m('/patch/create', 'amp', 'vca'), m('/patch/create', 'env', 'adsr'), m('/patch/connect', 'osc', 'vcf'),
             m('/patch/connect', 'vcf', 'amp'), m('/patch/connect', 'env', 'amp.gain', 1.0),
             m('/patch/set', 'vcf.cutoff', 900), m('/patch/macro', 1, 'vcf.cutoff', 100.0, 8000.0, 'exp'),
             m('/patch/out', 'amp'), m('/patch/staged'), m('/patch/commit')]
    return [
        ('status-schema', seed(m('/engine/status'), m('/engine/schema'), m('/engine/schema', 'ladder'),
                               m('/engine/schema', 'nosuch'), m('/engine/status', 1))),
        ('build-and-play', seed(*build, m('/note/on', 60, 100), m('/mod/vcf/cutoff', 2000.0),
                                m('/mod/vcf/mode', 'bandpass'), m('/mod/vcf/cutoff', 1e9), m('/mod/vcff/cutoff', 1.0),
                                m('/macro/1', 0.25), m('/note/off', 60), m('/program', 3))),
        ('staged-errors', seed(m('/patch/create', 'x', 'nosuchtype'), m('/patch/connect', 'a', 'b'),
                               m('/patch/line', 'create y saw\nout y'), m('/patch/line', 'create y saw'),
                               m('/patch/out', 'y'), m('/patch/commit'), m('/patch/create', 1, 2),
                               m('/patch/macro', 9, 'y.level', 0.0, 1.0), m('/patch/commit', 1))),
        ('text-and-file', seed(m('/patch/text', 'patch "T"\ncreate o sine\nout o\n'), m('/patch/text', 'out nowhere'),
                               m('/patch/file', '/nonexistent/x.chronus'), m('/patch/file', 'relative.chronus'),
                               m('/patch/file', '/etc/hostname'))),
        ('notes-macros-programs', seed(m('/note/on', 60, 100, 2), m('/note/on', 200, 100), m('/note/on', 60),
                                       m('/note/off', 60, 2), m('/macro/0', 0.5), m('/macro/9', 0.5),
                                       m('/macro/2', 1.5), m('/macro/x', 0.5), m('/program', -1),
                                       m('/program', 999), m('/program', 2.5), m('/note/on', 61, 0), True and
                                       m('/note/on', True, 1.5))),
        ('malformed', seed(b'', b'/mod', b'/mod\0\0\0\0,f\0\0', b'#bundle\0', b'\xff' * 40,
                           m('/mod/vcf', 1.0), m('/mod//x', 1.0), m('/mod/a b/c', 1.0), m('/unknown'),
                           m('/mod/vcf/cutoff', b'blob'), m('/mod/vcf/cutoff'), m('/mod/vcf/cutoff', 1.0, 2.0))),
        ('bundles', seed(osc_bundle(m('/note/on', 64, 90), osc_bundle(m('/mod/vcf/cutoff', 700.0),
                                                                    osc_bundle(osc_bundle(osc_bundle(m('/engine/status')))))),
                         osc_bundle(*[m('/mod/vcf/cutoff', float(100 + i)) for i in range(300)]),
                         b'#bundle\0' + b'\0' * 8 + struct.pack('>i', 9999) + b'xx')),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default=os.path.join(HERE, 'corpus'))
    ap.add_argument('--dict', default=None, help='also write the fuzz_patch dictionary here')
    args = ap.parse_args()
    for name, seeds in (('patch', patch_seeds()), ('run', run_seeds()), ('state', state_seeds()),
                        ('tuning', tuning_seeds()), ('osc', osc_seeds())):
        write_dir(os.path.join(args.out, name), seeds)
        print('%-6s %3d seeds in %s' % (name, len(seeds), os.path.join(args.out, name)))
    if args.dict:
        patch_dict(args.dict)
        print('dictionary in %s' % args.dict)


if __name__ == '__main__':
    main()
