#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Writes examples/wavetables/drawbars.wav, the table of
examples/wavetable-organ.chronus: 7 waves of 256 samples (16-bit mono,
48 kHz), wave k the organ's drawbars 8', 4', 2 2/3', 2', 1 3/5', 1 1/3'
and 1' (harmonics 1, 2, 3, 4, 5, 6, 8) pulled out up to the k-th, each at
full. Made by a script so the committed file can be checked and remade:
  tools/make_wavetable.py examples/wavetables/drawbars.wav"""
import math
import struct
import sys
import wave

WAVE = 256
HARMONICS = [1, 2, 3, 4, 5, 6, 8]


def main(path):
    samples = []
    for k in range(len(HARMONICS)):
        bars = HARMONICS[:k + 1]
        for n in range(WAVE):
            t = 2.0 * math.pi * n / WAVE
            samples.append(sum(math.sin(h * t) for h in bars) / len(bars))
    peak = max(abs(x) for x in samples)
    with wave.open(path, 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(48000)
        w.writeframes(b''.join(struct.pack('<h', int(round(32767 * 0.9 * x / peak))) for x in samples))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'examples/wavetables/drawbars.wav')
