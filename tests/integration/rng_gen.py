#!/usr/bin/env python3
# rng_gen.py KIND SEED BLOCKS - deterministic test inputs for fipstest and
# rngtest: 4 bootstrap bytes, then BLOCKS blocks of 2500 bytes (some kinds
# add a trailing partial block).  Written to stdout.
#
# Kinds: random, biased (a per-block mix of P(1) from 0.49 to 0.52), sticky
# (neighbouring bits copied: runs/poker failures), zeros, ones, alt (0x55),
# repeat (a repeated 32-bit word in some blocks and across block
# boundaries), bootrepeat (bootstrap word = first word), longrun (runs of
# 24..28 bits at random places), monobit (blocks with exactly 9725, 9726,
# 10274 and 10275 ones), runsbug (a block that passes the real runs test and
# fails rngtest 5's), partial (random blocks + 1234 bytes).
import random
import sys

BLOCK = 2500
BITS = 20000


def biased(rnd, nbytes, p_num, depth):
    """Bytes with P(1) = 0.5 + p_num / 2**(depth+1) (or - for p_num < 0)."""
    n = nbytes * 8
    x = rnd.getrandbits(n)
    y = rnd.getrandbits(n)
    for _ in range(depth - 1):
        y &= rnd.getrandbits(n)
    x = x | y if p_num > 0 else x & ~y
    return x.to_bytes(nbytes, "big")


def set_run(blk, pos, length, bit):
    v = int.from_bytes(blk, "big")
    for i in range(pos, pos + length):
        m = 1 << (BITS - 1 - i)
        v = v | m if bit else v & ~m
    for i in (pos - 1, pos + length):
        if 0 <= i < BITS:
            m = 1 << (BITS - 1 - i)
            v = v & ~m if bit else v | m
    return bytearray(v.to_bytes(BLOCK, "big"))


def with_ones(rnd, ones):
    v = rnd.getrandbits(BITS)
    n = bin(v).count("1")
    while n != ones:
        i = rnd.randrange(BITS)
        bit = (v >> i) & 1
        if n > ones and bit:
            v &= ~(1 << i)
            n -= 1
        elif n < ones and not bit:
            v |= 1 << i
            n += 1
    return v.to_bytes(BLOCK, "big")


def runs_block(rnd, zeros, ones, first):
    """Alternating runs with these counts per length class (index 5: 6..25
    bits, sharing what is left of the 20000 bits)."""
    lens = []
    for counts in (zeros, ones):
        ls = [k + 1 for k in range(6) for _ in range(counts[k])]
        lens.append(ls)
    extra = BITS - sum(lens[0]) - sum(lens[1])
    i = 0
    while extra > 0:
        side = lens[i % 2]
        j = (i // 2) % len(side)
        if 6 <= side[j] < 25:
            side[j] += 1
            extra -= 1
        i += 1
    for ls in lens:
        rnd.shuffle(ls)
    bits = []
    for a, b in zip(lens[first], lens[1 - first]):
        bits += [first] * a + [1 - first] * b
    assert len(bits) == BITS
    return int("".join(map(str, bits)), 2).to_bytes(BLOCK, "big")


def main():
    kind, seed, blocks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rnd = random.Random(seed)
    out = bytearray(rnd.randbytes(4))
    for b in range(blocks):
        if kind in ("random", "partial", "bootrepeat"):
            blk = bytearray(rnd.randbytes(BLOCK))
        elif kind == "biased":
            p = rnd.choice([-1, 1])
            blk = bytearray(biased(rnd, BLOCK, p, rnd.choice([5, 6, 7, 8])))
        elif kind == "sticky":
            v = rnd.getrandbits(BITS)
            mask = rnd.getrandbits(BITS)
            for _ in range(rnd.choice([2, 3, 4])):
                mask &= rnd.getrandbits(BITS)
            v = (v & ~mask) | ((v >> 1) & mask)  # copy the previous bit
            blk = bytearray(v.to_bytes(BLOCK, "big"))
        elif kind == "zeros":
            blk = bytearray(BLOCK)
        elif kind == "ones":
            blk = bytearray(b"\xff" * BLOCK)
        elif kind == "alt":
            blk = bytearray(b"\x55" * BLOCK)
        elif kind == "repeat":
            blk = bytearray(rnd.randbytes(BLOCK))
            if b % 3 == 1:
                w = 4 * rnd.randrange(BLOCK // 4 - 1)
                blk[w + 4:w + 8] = blk[w:w + 4]
            if b % 4 == 2:
                blk[0:4] = out[-4:]
        elif kind == "longrun":
            blk = bytearray(rnd.randbytes(BLOCK))
            if b % 2:
                n = rnd.choice([24, 25, 26, 27, 28])
                blk = set_run(blk, rnd.randrange(BITS - n + 1), n,
                              rnd.randrange(2))
        elif kind == "monobit":
            blk = bytearray(with_ones(rnd, [9725, 9726, 10274, 10275][b % 4]))
        elif kind == "runsbug":
            blk = bytearray(runs_block(rnd, [2500, 1250, 625, 312, 156, 156],
                                       [2447, 1250, 625, 312, 156, 209], 1))
        else:
            sys.exit("unknown kind " + kind)
        if kind == "bootrepeat" and b == 0:
            blk[0:4] = out[0:4]
        out += blk
    if kind == "partial":
        out += rnd.randbytes(1234)
    sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main()
