#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Counts what a screenshot shows, for tests/ui/check-ui.sh.

    pixels.py SHOT.ppm boxes RRGGBB MIN_PIXELS   regions of exactly that colour
                                                 of at least MIN_PIXELS pixels
    pixels.py SHOT.ppm count RRGGBB              pixels of exactly that colour

A binary PPM (P6) as ImageMagick's `import` writes it; prints one number.
"""
import sys


def read_ppm(path):
    data = open(path, 'rb').read()
    fields, at = [], 0
    while len(fields) < 4:  # magic, width, height, maxval; '#' comments
        while data[at:at + 1].isspace():
            at += 1
        if data[at:at + 1] == b'#':
            at = data.index(b'\n', at) + 1
            continue
        end = at
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    if fields[0] != b'P6' or int(fields[3]) != 255:
        sys.exit('pixels.py: %s is not an 8-bit P6 PPM' % path)
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[at + 1:at + 1 + 3 * w * h]


def main():
    w, h, px = read_ppm(sys.argv[1])
    colour = bytes.fromhex(sys.argv[3])
    mask = bytearray(w * h)
    for i in range(w * h):
        if px[3 * i:3 * i + 3] == colour:
            mask[i] = 1
    if sys.argv[2] == 'count':
        print(sum(mask))
        return
    minimum = int(sys.argv[4])
    regions = 0
    for start in range(w * h):
        if mask[start] != 1:
            continue
        mask[start] = 2
        stack, size = [start], 0
        while stack:  # 4-connected flood fill
            i = stack.pop()
            size += 1
            x, y = i % w, i // w
            for j in (i - 1 if x > 0 else -1, i + 1 if x < w - 1 else -1, i - w if y > 0 else -1,
                      i + w if y < h - 1 else -1):
                if j >= 0 and mask[j] == 1:
                    mask[j] = 2
                    stack.append(j)
        regions += size >= minimum
    print(regions)


if __name__ == '__main__':
    main()
