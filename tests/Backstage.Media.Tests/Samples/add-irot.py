#!/usr/bin/env python3
"""Adds an `irot` (rotation) property to the primary item of a heif-enc output, as iPhones write it.

heif-enc (libheif 1.15) copies a JPEG's EXIF, orientation tag included, but stores the pixels as they are
and writes no irot. iPhone HEICs carry both: pixels in sensor orientation, irot, and the same rotation in
EXIF. This script inserts irot (angle = quarter turns anti-clockwise) into ipco, associates it with the
primary item (essential), and fixes the enclosing box sizes and the iloc offsets (mdat moves down).
Usage: add-irot.py in.heic out.heic ANGLE
"""
import struct, sys

src, dst, angle = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = bytearray(open(src, 'rb').read())

def find(buf, start, end, typ):
    off = start
    while off < end:
        size, t = struct.unpack('>I4s', buf[off:off + 8])
        if t == typ:
            return off, size
        off += size
    raise SystemExit(f'no {typ!r}')

meta, meta_size = find(d, 0, len(d), b'meta')
body = meta + 12  # FullBox
pitm, _ = find(d, body, meta + meta_size, b'pitm')
primary = struct.unpack('>H', d[pitm + 12:pitm + 14])[0]
iprp, iprp_size = find(d, body, meta + meta_size, b'iprp')
ipco, ipco_size = find(d, iprp + 8, iprp + iprp_size, b'ipco')
ipma, ipma_size = find(d, iprp + 8, iprp + iprp_size, b'ipma')
assert ipma > ipco, 'ipma after ipco expected'
# count properties in ipco -> new property index (1-based)
n, off = 0, ipco + 8
while off < ipco + ipco_size:
    n += 1
    off += struct.unpack('>I', d[off:off + 4])[0]
irot_index = n + 1
irot = struct.pack('>I4sB', 9, b'irot', angle & 3)

# ipma: version 0, flags 0 -> 16-bit item ids, 8-bit associations
version, flags = d[ipma + 8], int.from_bytes(d[ipma + 9:ipma + 12], 'big')
assert version == 0 and flags & 1 == 0
count = struct.unpack('>I', d[ipma + 12:ipma + 16])[0]
off = ipma + 16
insert_at = None
for _ in range(count):
    item, assoc = struct.unpack('>HB', d[off:off + 3])
    if item == primary:
        d[off + 2] = assoc + 1
        insert_at = off + 3 + assoc
    off += 3 + assoc
assert insert_at is not None
d[insert_at:insert_at] = bytes([0x80 | irot_index])  # essential, index
d[ipco + ipco_size:ipco + ipco_size] = irot            # before ipma, so insert_at stays valid below it
grow = len(irot) + 1
for box, extra in ((ipma + len(irot), 1), (ipco, len(irot)), (iprp, grow), (meta, grow)):
    struct.pack_into('>I', d, box, struct.unpack('>I', d[box:box + 4])[0] + extra)

# iloc offsets: file offsets of item data after meta move down by `grow`
iloc, iloc_size = find(d, body, meta + meta_size + grow, b'iloc')
version = d[iloc + 8]
o = iloc + 12
sizes = d[o]; offset_size, length_size = sizes >> 4, sizes & 15
base_offset_size, index_size = d[o + 1] >> 4, (d[o + 1] & 15) if version in (1, 2) else 0
o += 2
items = struct.unpack('>H', d[o:o + 2])[0] if version < 2 else struct.unpack('>I', d[o:o + 4])[0]
o += 2 if version < 2 else 4
def rd(pos, size): return int.from_bytes(d[pos:pos + size], 'big')
def wr(pos, size, v): d[pos:pos + size] = v.to_bytes(size, 'big')
for _ in range(items):
    o += 2 if version < 2 else 4
    method = 0
    if version in (1, 2):
        method = rd(o, 2) & 15; o += 2
    o += 2  # data_reference_index
    base = o; o += base_offset_size
    extents = rd(o, 2); o += 2
    for _ in range(extents):
        if index_size: o += index_size
        if method == 0:
            if base_offset_size:
                pass
            elif offset_size:
                wr(o, offset_size, rd(o, offset_size) + grow)
        o += offset_size + length_size
    if method == 0 and base_offset_size:
        wr(base, base_offset_size, rd(base, base_offset_size) + grow)
open(dst, 'wb').write(d)
