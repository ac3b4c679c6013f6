#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Grabs one frame from a VNC server (RFB 3.3/3.8, no auth, raw encoding) into
a PNG: the screenshot of a Qt program run with QT_QPA_PLATFORM=vnc, on a
machine with no X server. Usage: vncgrab.py HOST PORT OUT.png"""
import socket, struct, sys, zlib
host, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.create_connection((host, port), timeout=20)
def rd(n):
    b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c: raise EOFError
        b += c
    return b
ver = rd(12)
s.sendall(b'RFB 003.008\n' if ver >= b'RFB 003.007' else b'RFB 003.003\n')
if ver >= b'RFB 003.007':
    n = rd(1)[0]; types = rd(n)
    s.sendall(b'\x01'); res = struct.unpack('>I', rd(4))[0]
    assert res == 0, 'auth failed'
else:
    assert struct.unpack('>I', rd(4))[0] == 1
s.sendall(b'\x01')  # shared
w, h = struct.unpack('>HH', rd(4)); pf = rd(16); nl = struct.unpack('>I', rd(4))[0]; rd(nl)
# set pixel format: 32bpp, depth 24, little endian, true colour, r shift 16, g 8, b 0
s.sendall(struct.pack('>BxxxBBBBHHHBBBxxx', 0, 32, 24, 0, 1, 255, 255, 255, 16, 8, 0))
s.sendall(struct.pack('>BxH i', 2, 1, 0))  # encodings: raw
s.sendall(struct.pack('>BBHHHH', 3, 0, 0, 0, w, h))
fb = bytearray(w * h * 3)
got = 0
while True:
    t = rd(1)[0]
    if t == 0:
        rd(1); nr = struct.unpack('>H', rd(2))[0]
        for _ in range(nr):
            x, y, rw, rh, enc = struct.unpack('>HHHHi', rd(12))
            assert enc == 0, enc
            data = rd(rw * rh * 4)
            for r in range(rh):
                row = data[r*rw*4:(r+1)*rw*4]
                o = ((y + r) * w + x) * 3
                for c in range(rw):
                    b_, g_, r_ = row[c*4], row[c*4+1], row[c*4+2]
                    fb[o+c*3:o+c*3+3] = bytes((r_, g_, b_))
            got += rw * rh
        if got >= w * h: break
    elif t == 1:
        rd(3); n = struct.unpack('>H', rd(2))[0]; rd(6 * n)
    elif t == 2: pass
    elif t == 3:
        rd(3); n = struct.unpack('>I', rd(4))[0]; rd(n)
raw = b''.join(b'\x00' + bytes(fb[y*w*3:(y+1)*w*3]) for y in range(h))
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 6)) + chunk(b'IEND', b'')
open(out, 'wb').write(png)
print(f'{out}: {w}x{h}')
