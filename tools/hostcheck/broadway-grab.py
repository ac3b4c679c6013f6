#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A minimal stand-in for GTK 3's broadwayd, so that a GTK 3 program draws a real
window on a machine with no X server: accepts one GDK client over TCP
(BROADWAY_DISPLAY=:tcpN -> port 9090+N), answers its requests, and writes the
last frame of every shown window to OUTDIR/window-ID.png (surfaces arrive as
ARGB32 shared-memory buffers named in UPDATE requests; request and reply
numbers are those of GTK 3.24's gdk/broadway/broadway-protocol.h).

    broadway-grab.py PORT OUTDIR"""
import socket, struct, sys, os, zlib, time
port, outdir = int(sys.argv[1]), sys.argv[2]
os.makedirs(outdir, exist_ok=True)
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', port)); srv.listen(1)
open(os.path.join(outdir, 'listening'), 'w').close()  # the caller waits for this
conn, _ = srv.accept()
buf = b''
wins = {}
next_id = 1
def reply(serial, rtype, payload=b''):
    conn.sendall(struct.pack('<III', 12 + len(payload), serial, rtype) + payload)
def save(wid, name, w, h):
    path = '/dev/shm/' + name.lstrip('/')
    if not os.path.exists(path):
        path = '/tmp/' + name.lstrip('/')
    try:
        data = open(path, 'rb').read(w * h * 4)
    except OSError as e:
        print('cannot read', path, e, file=sys.stderr); return
    rgb = bytearray(w * h * 3)
    rgb[0::3] = data[2::4]; rgb[1::3] = data[1::4]; rgb[2::3] = data[0::4]
    raw = b''.join(b'\0' + bytes(rgb[y*w*3:(y+1)*w*3]) for y in range(h))
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 6)) + chunk(b'IEND', b'')
    open(os.path.join(outdir, 'window-%d.png' % wid), 'wb').write(png)
    print('frame', wid, w, h, flush=True)
while True:
    d = conn.recv(65536)
    if not d: break
    buf += d
    while len(buf) >= 12:
        size, serial, rtype = struct.unpack('<III', buf[:12])
        if len(buf) < size: break
        body = buf[12:size]; buf = buf[size:]
        if rtype == 0:    # NEW_WINDOW x y w h is_temp
            x, y, w, h, tmp = struct.unpack('<iiIII', body[:20])
            wid = next_id; next_id += 1
            wins[wid] = [x, y, w, h, False]
            print('new window', wid, x, y, w, h, tmp, flush=True)
            reply(serial, 3, struct.pack('<I', wid))
        elif rtype == 2:  # SYNC
            reply(serial, 1)
        elif rtype == 3:  # QUERY_MOUSE
            reply(serial, 2, struct.pack('<IiiI', 0, 0, 0, 0))
        elif rtype == 8:  # UPDATE id name[36] w h
            wid, = struct.unpack('<I', body[:4]); name = body[4:40].split(b'\0')[0].decode()
            w, h = struct.unpack('<II', body[40:48])
            save(wid, name, w, h)
        elif rtype == 9:  # MOVE_RESIZE
            wid, with_move, x, y, w, h = struct.unpack('<IIiiII', body[:24])
            print('move_resize', wid, with_move, x, y, w, h, flush=True)
        elif rtype == 10:  # GRAB_POINTER
            reply(serial, 4, struct.pack('<I', 0))
        elif rtype == 11:
            reply(serial, 5, struct.pack('<I', 0))
        elif rtype in (5, 6):
            print('show' if rtype == 5 else 'hide', struct.unpack('<I', body[:4])[0], flush=True)
