#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The factory sound sheet (`./waf soundsheet`, docs/sound-sheet.md).

Why: a library is judged by ear and by eye. Every factory preset is played
by chronus-render through the real bundle (lilv), a short phrase suited to
its bank (a beat on its own keys for drums), and kept as a small 16-bit
WAV; the 8-note chord of the headroom test is rendered too, for its peak;
one picture shows each preset's waveform over its spectrogram, a row per
bank. The page lists, bank by bank, each preset with its macro knobs (the
names its `macro <knob> "Name"` lines give them), its chord peak and its
sound.

Needs the built tree (chronus-render, the bundle in build/lv2), sox,
gnuplot and ImageMagick's montage. Run from the repository root:
    tools/soundsheet.py [--build build] [--out docs/sound-sheet] [--doc docs/sound-sheet.md]
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

BANK_ORDER = ['Init', 'Leads', 'Bass', 'Pads', 'Keys', 'Plucks', 'Bells', 'Brass', 'Strings', 'Drums', 'FX']
CHORD = [48, 52, 55, 60, 64, 67, 72, 76]  # the headroom test's chord (tests/host/test_headroom.c)
SHEET_RATE = 32000                        # the WAVs kept in the repository: 16 kHz of band, small files
TILE = (330, 220)                         # pixels of one preset's tile in the picture
COLUMNS = 8                               # the largest bank fits one row


def read_presets(top):
    """Every presets/NN-*.chronus: number, slug, name, bank, macros."""
    out = []
    for path in sorted(glob.glob(os.path.join(top, 'presets', '*.chronus'))):
        text = open(path, encoding='utf-8').read()
        base = os.path.basename(path)[:-len('.chronus')]
        name = re.search(r'^patch\s+"([^"]+)"', text, re.M).group(1)
        bank = re.search(r'^#\s*bank:\s*(\S.*)$', text, re.M).group(1).strip()
        out.append({'number': int(base.split('-')[0]), 'slug': base, 'name': name, 'bank': bank,
                    'macros': macros_of(text)})
    return out


def macros_of(text):
    """The macro knobs a preset binds or names, under the names its
    `macro <knob> "Name"` lines give them (a bound knob without one, which
    the library suite forbids, shows its first binding)."""
    named = {int(k): re.sub(r'\\(["\\])', r'\1', n)
             for k, n in re.findall(r'^macro\s+(\d)\s+"((?:[^"\\]|\\.)*)"', text, re.M)}
    knobs = dict(named)
    for k, target in re.findall(r'^macro\s+(\d)\s+([A-Za-z_]\w*\.\w+)', text, re.M):
        knobs.setdefault(int(k), target)
    return [(k, knobs[k]) for k in sorted(knobs)]


def notes(events):
    return ''.join('at %.3f note %d %d %.3f\n' % (t + 0.02, n, v, d) for t, n, v, d in events)


def beat(p):
    """A bar and a bit of 120 bpm on the drum preset's own keys."""
    name = p['name'].lower()
    if 'kit' in name:
        ev = [(t, 36, 120, 0.1) for t in (0.0, 0.5, 1.0, 1.375, 1.5)]
        ev += [(t, 38, 110, 0.1) for t in (0.5, 1.5)]
        ev += [(i * 0.25, 42, 100 if i % 2 else 80, 0.05) for i in range(7)]
        ev += [(1.75, 46, 100, 0.2)]
        return ev, 2.4
    if 'kick' in name:
        return [(t, 36, 120, 0.1) for t in (0.0, 0.5, 1.0, 1.375, 1.5)], 2.2
    if 'snare' in name:
        return [(0.0, 38, 110, 0.1), (0.5, 38, 120, 0.1), (0.875, 38, 60, 0.1), (1.0, 38, 120, 0.1),
                (1.5, 38, 127, 0.1)], 2.2
    key = 42 if 'closed' in name else 46 if 'open' in name else 43 if 'tom' in name else 56 if 'cow' in name else 60
    step = 0.125 if 'closed' in name else 0.25
    return [(i * step, key, 120 if i % 4 == 0 else 85, 0.05 if 'closed' in name else 0.12)
            for i in range(int(1.8 / step))], 2.3


def phrase(p):
    """The score events and length (s) a preset is heard with: by bank."""
    bank = p['bank']
    if bank == 'Drums':
        return beat(p)
    if bank in ('Leads', 'Init'):
        line = [(0.0, 72, 0.3), (0.33, 75, 0.3), (0.66, 79, 0.45), (1.14, 77, 0.25), (1.41, 75, 0.25),
                (1.68, 72, 0.6)]
        return [(t, n, 100, d) for t, n, d in line], 2.6
    if bank == 'Bass':
        line = [(0.0, 36, 0.2), (0.25, 36, 0.12), (0.5, 48, 0.15), (0.75, 36, 0.2), (1.0, 39, 0.2),
                (1.25, 41, 0.15), (1.5, 43, 0.3), (1.875, 36, 0.3)]
        return [(t, n, 110, d) for t, n, d in line], 2.5
    if bank in ('Pads', 'Strings') and 'pizz' not in p['name'].lower():
        return [(0.0, n, 90, 2.1) for n in (48, 55, 64, 71, 74)], 3.0
    if bank == 'Brass':
        ev = [(0.0, n, 105, 0.55) for n in (55, 60, 64, 67)]
        ev += [(0.7, n, 100, 1.2) for n in (57, 60, 65, 69)]
        return ev, 2.6
    if bank == 'Keys':
        ev = [(0.0, n, 100, 0.8) for n in (60, 64, 67, 71)]
        ev += [(0.95, n, 95, 0.9) for n in (57, 60, 64, 67)]
        return ev, 2.6
    if bank == 'Bells':
        return [(i * 0.4, n, 100, 0.35) for i, n in enumerate((72, 76, 79, 84))], 2.8
    if bank in ('Plucks', 'Strings'):
        return [(i * 0.18, n, 100, 0.15) for i, n in enumerate((60, 64, 67, 72, 76, 72, 67, 64))], 2.6
    if 'zap' in p['name'].lower():
        return [(i * 0.45, n, 110, 0.2) for i, n in enumerate((72, 79, 84, 76))], 2.6
    return [(0.0, 60, 100, 2.3)], 3.0


def render(build, score_text, score_path, wav, envelope=None):
    open(score_path, 'w').write(score_text)
    cmd = [os.path.join(build, 'chronus-render')]
    if envelope:
        cmd += ['--envelope', envelope]
    subprocess.run(cmd + [score_path, wav], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def sox_stats(wav):
    """Overall peak and RMS (dBFS), and the DC offset, both channels."""
    err = subprocess.run(['sox', '-V1', wav, '-n', 'stats'], capture_output=True, text=True).stderr
    row = {l[:10].strip(): l[10:].split() for l in err.splitlines() if len(l) > 10}
    return float(row['Pk lev dB'][0]), float(row['RMS lev dB'][0]), float(row['DC offset'][0])


def is_mono(wav):
    """Whether both channels are the same samples (a patch with no pan and
    no stereo effect): such a sound is kept as a mono file, half the size."""
    err = subprocess.run(['sox', '-V1', wav, '-n', 'remix', '1,2v-1', 'stats'], capture_output=True, text=True).stderr
    peak = [l.split()[-1] for l in err.splitlines() if l.startswith('Pk lev dB')]
    return bool(peak) and peak[0] == '-inf'


def head(p, seconds):
    """The score's first lines: its length, and the preset loaded (a 5 ms
    fade, over before the first note at 20 ms)."""
    return 'length %g\nat 0 control crossfade 5\nat 0 control program %d\n' % (seconds, p['number'])


def tile(work, p, wav16, envelope, seconds, png):
    """One preset: its waveform (10 ms min/max, left) over its spectrogram."""
    spec = png[:-4] + '-spec.png'
    subprocess.run(['sox', '-V1', wav16, '-n', 'remix', '-', 'spectrogram', '-x', str(TILE[0]), '-y', '128',
                    '-z', '90', '-r', '-o', spec], check=True)
    gp = '''set terminal pngcairo size %d,%d font "DejaVu Sans,8"
set output "%s"
set multiplot title "%d  %s" font ",10"
set lmargin 0; set rmargin 0; set tmargin 0; set bmargin 0
unset xtics; unset ytics; unset key; unset border
set size 1, 0.30; set origin 0, 0.60
set xrange [0:%g]; set yrange [-1:1]
set arrow from 0,0 to %g,0 nohead lc rgb "#bbbbbb" back
plot "%s" using 1:2:3 with filledcurves lc rgb "#1f77b4"
unset arrow
set size 1, 0.58; set origin 0, 0
set xrange [0:%g]; set yrange [0:%g]
plot "%s" binary filetype=png dx=%g dy=%g with rgbimage
unset multiplot
''' % (TILE[0], TILE[1], png, p['number'], p['name'].replace('"', ''), seconds, seconds, envelope, seconds,
       SHEET_RATE / 2.0, spec, seconds / TILE[0], SHEET_RATE / 2.0 / 128.0)
    script = png[:-4] + '.gp'
    open(script, 'w').write(gp)
    subprocess.run(['gnuplot', script], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--build', default='build')
    ap.add_argument('--out', default=os.path.join('docs', 'sound-sheet'))
    ap.add_argument('--doc', default=os.path.join('docs', 'sound-sheet.md'))
    args = ap.parse_args()
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for tool in ('sox', 'gnuplot', 'montage'):
        if not shutil.which(tool):
            sys.exit('soundsheet: needs %s (Debian: sox, gnuplot-nox, imagemagick)' % tool)
    # The bundle just built, never an installed Chronus (as ./waf test).
    os.environ.setdefault('LV2_PATH', os.pathsep.join([os.path.abspath(os.path.join(args.build, 'lv2')),
                                                       '/usr/lib/lv2']))
    work = os.path.join(args.build, 'soundsheet')
    os.makedirs(work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    for old in glob.glob(os.path.join(args.out, '*.wav')):
        os.unlink(old)
    presets = read_presets(top)
    banks = [b for b in BANK_ORDER if any(p['bank'] == b for p in presets)]
    banks += sorted({p['bank'] for p in presets} - set(banks))
    for p in presets:
        ev, seconds = phrase(p)
        base = os.path.join(work, p['slug'])
        envelope = base + '-envelope.txt'
        render(args.build, head(p, seconds) + notes(ev), base + '.score', base + '.wav', envelope)
        p['wav'] = os.path.join(args.out, p['slug'] + '.wav')
        p['mono'] = is_mono(base + '.wav')
        subprocess.run(['sox', '-V1', '-R', base + '.wav', '-b', '16', p['wav']] + (['remix', '1'] if p['mono'] else []) +
                       ['rate', '-v', str(SHEET_RATE), 'dither'], check=True)
        p['peak'], p['rms'], p['dc'] = sox_stats(base + '.wav')
        chord = []
        for vel in (100, 127):  # as the headroom test: held 2 s, then 1.5 s of release
            ev = [(0.0, n, vel, 2.0) for n in CHORD]
            render(args.build, head(p, 3.52) + notes(ev), base + '-chord.score', base + '-chord.wav')
            chord.append(sox_stats(base + '-chord.wav')[0])
        p['chord'] = max(chord)
        tile(work, p, p['wav'], envelope, seconds, base + '-tile.png')
        print('%2d %-20s %-8s phrase peak %6.1f dBFS, RMS %6.1f dBFS, DC %+.5f; chord peak %6.2f dBFS'
              % (p['number'], p['name'], p['bank'], p['peak'], p['rms'], p['dc'], p['chord']))
    # The picture: a row per bank, in bank order.
    cells = []
    for b in banks:
        row = [os.path.join(work, p['slug'] + '-tile.png') for p in presets if p['bank'] == b]
        cells += row + ['null:'] * (COLUMNS - len(row))
    picture = os.path.join(args.out, 'sound-sheet.png')
    subprocess.run(['montage'] + cells + ['-tile', '%dx' % COLUMNS, '-geometry', '+3+3', '-background', 'white',
                                          '-colors', '256', 'PNG8:' + picture], check=True)
    write_doc(args, presets, banks, picture)
    loud = max(presets, key=lambda p: p['chord'])
    print('loudest 8-note chord: %s at %.2f dBFS; wrote %s, %s and %d WAVs in %s'
          % (loud['name'], loud['chord'], picture, args.doc, len(presets), args.out))


def write_doc(args, presets, banks, picture):
    rel = os.path.relpath(args.out, os.path.dirname(args.doc))
    size = sum(os.path.getsize(p['wav']) for p in presets) + os.path.getsize(picture)
    loud = max(presets, key=lambda p: p['chord'])
    lines = ['# Sound sheet: the factory library', '',
             '<!-- Generated by tools/soundsheet.py (`./waf soundsheet`); do not edit by hand. -->', '',
             'Every factory preset played by `chronus-render` through the real bundle, a short phrase',
             'suited to its bank: a melodic line for leads, a bass line two octaves down for basses, a',
             'held C major 9 chord for pads and strings, chords for keys and brass, an arpeggio for',
             'plucks, four strikes for bells, a bar of 120 bpm on its own General MIDI keys for drums',
             '(kick 36, snare 38, hats 42 and 46, tom 43, cowbell 56; the kit all four), a long note',
             'for effects. Macros stay at their defaults (0.5). Each sound is a 16-bit WAV, rendered',
             'at 48 kHz and kept at %d kHz to keep the files small (%.1f MB with the picture); stereo'
             % (SHEET_RATE // 1000, size / 1e6),
             'where the preset is (pan, chorus, reverb, echo, phaser), mono where both channels are the',
             'same samples (%d of %d).' % (sum(1 for p in presets if p['mono']), len(presets)), '',
             '**Chord peak** is the peak, over both channels, of the 8-note chord of the headroom test',
             '(C major over two octaves, C3 to E5, held 2 s then released, velocity 100 and 127, the',
             'louder of the two) as chronus-render plays it: %s (loudest: %s,'
             % ('every one is below −1 dBFS' if loud['chord'] < -1.0 else
                '%d of them at −1 dBFS or above' % sum(1 for p in presets if p['chord'] >= -1.0), loud['name']),
             '%.2f dBFS). The headroom suite asserts the same (`host-tests headroom`).' % loud['chord'], '',
             'The picture has a row per bank, in the order of the tables below; each tile is the',
             "preset's waveform (left channel, min/max per 10 ms, ±1 full scale) over its",
             'spectrogram (0 to 16 kHz, 90 dB of range).', '',
             '![waveform and spectrogram of every factory preset, a row per bank](%s/sound-sheet.png)' % rel, '',
             'Regenerate (after a preset changes): `./waf soundsheet` (or `tools/soundsheet.py` after',
             '`./waf build`); it needs sox, gnuplot and ImageMagick (Debian: `sox gnuplot-nox',
             'imagemagick`). The WAVs and this page are rewritten; the renders are deterministic.', '']
    for row, b in enumerate(banks, 1):
        lines += ['## %s' % b, '', 'Row %d of the picture.' % row, '',
                  '| # | preset | macros | chord peak (dBFS) | sound |', '|---|---|---|---|---|']
        for p in presets:
            if p['bank'] != b:
                continue
            macros = '; '.join('%d %s' % (k, n) for k, n in p['macros'])
            lines.append('| %d | %s | %s | %.2f | [%s.wav](%s/%s.wav)%s |'
                         % (p['number'], p['name'], macros, p['chord'], p['slug'], rel, p['slug'],
                            '' if p['mono'] else ' (stereo)'))
        lines.append('')
    open(args.doc, 'w').write('\n'.join(lines))


if __name__ == '__main__':
    main()
