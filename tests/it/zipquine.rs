//! A zip quine built from scratch: `r.zip` holds one entry, `r.zip`, whose bytes are the
//! archive itself, so an unpacker that follows it never reaches the bottom.
//!
//! Deflate is a tiny language of two instructions: a stored block prints the bytes that follow
//! it, a compressed block can repeat what was printed before. With those two a program can print
//! itself (the construction Russ Cox describes in "Zip Files All The Way Down"): the deflate
//! data prints the zip's local header, then itself, then the central directory. The entry's
//! CRC-32 is part of what it covers; CRC-32 is affine over GF(2), so the CRC that is its own
//! checksum is the solution of 32 linear equations.

/// Writes deflate's bit stream: values least significant bit first, Huffman codes most
/// significant bit first.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, v: u32, n: u32) {
        self.acc |= u64::from(v) << self.n;
        self.n += n;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    fn code(&mut self, code: u32, n: u32) {
        self.put(code.reverse_bits() >> (32 - n), n);
    }

    /// A symbol of the fixed literal/length code (RFC 1951, 3.2.6).
    fn symbol(&mut self, sym: u32) {
        match sym {
            0..=143 => self.code(0x30 + sym, 8),
            144..=255 => self.code(0x190 + sym - 144, 9),
            256..=279 => self.code(sym - 256, 7),
            _ => self.code(0xc0 + sym - 280, 8),
        }
    }

    /// A copy of `length` bytes from `dist` back.
    fn copy(&mut self, length: u32, dist: u32) {
        const LEN: [u32; 29] = [
            3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
            115, 131, 163, 195, 227, 258,
        ];
        const LEN_EXTRA: [u32; 29] = [
            0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
        ];
        let i = LEN
            .iter()
            .rposition(|&b| b <= length)
            .expect("length of 3 or more");
        self.symbol(257 + i as u32);
        self.put(length - LEN[i], LEN_EXTRA[i]);
        // distance codes come in pairs of the same extra bits: 1, 2, 3, 4, then 5-6, 7-8, ...
        let (mut base, mut code) = (1, 0);
        loop {
            let extra = if code < 4 { 0 } else { code / 2 - 1 };
            if dist < base + (1 << extra) {
                self.code(code, 5);
                self.put(dist - base, extra);
                return;
            }
            base += 1 << extra;
            code += 1;
        }
    }

    fn bytes(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// "Print the next `n` bytes": a stored block's header (5 bytes).
fn print(n: usize) -> Vec<u8> {
    let n = u16::try_from(n).expect("a short literal");
    let mut v = vec![0];
    v.extend(n.to_le_bytes());
    v.extend((!n).to_le_bytes());
    v
}

/// "Repeat the last `n` bytes" in exactly `size` bytes: a fixed-Huffman block with the copy
/// (split in two or followed by empty blocks until the bits come out right), then an empty
/// stored block that brings the stream back to a byte boundary; `last` ends the stream.
fn repeat(n: usize, size: usize, last: bool) -> Vec<u8> {
    let n = n as u32;
    for empties in 0..8 {
        for split in [0, 4, 5] {
            if split > 0 && n < split + 3 {
                continue;
            }
            let mut b = Bits::default();
            b.put(0b010, 3);
            if split == 0 {
                b.copy(n, n);
            } else {
                b.copy(split, n);
                b.copy(n - split, n);
            }
            b.symbol(256);
            for _ in 0..empties {
                b.put(0b010, 3);
                b.symbol(256);
            }
            b.put(u32::from(last), 3);
            let mut v = b.bytes();
            v.extend([0, 0, 0xff, 0xff]);
            if v.len() == size {
                return v;
            }
        }
    }
    panic!("no {size}-byte repeat of {n}");
}

/// Deflate data that prints `head`, itself, then `tail`.
fn deflate_quine(head: &[u8], tail: &[u8]) -> Vec<u8> {
    // every repeat takes R bytes and every print 5; the no-op prints (`print(0)`) pad the
    // runs so that the two self-copying steps repeat whole instructions
    const R: usize = 10;
    let (p, s) = (head.len(), tail.len());
    let n = 2 * R + 10;
    let fill = R / 5 - 1;
    let pad = R / 5 + 1;
    let rep = |k| repeat(k, R, false);
    let mut o: Vec<Vec<u8>> = vec![print(p + 5), head.to_vec(), print(p + 5), rep(p + 5)];
    o.extend([print(R), rep(p + 5), print(5), print(R)]);
    o.extend(std::iter::repeat_n(print(0), fill));
    o.extend([print(n), rep(p + 5), print(5), print(R)]);
    o.extend(std::iter::repeat_n(print(0), fill));
    o.extend([print(n), rep(n)]);
    o.extend([print(n), rep(n), print(n), rep(n), print(n), rep(n)]);
    o.extend([print(n), rep(n)]);
    o.extend(std::iter::repeat_n(print(0), pad));
    o.extend([print(R + s), rep(n)]);
    o.extend(std::iter::repeat_n(print(0), pad));
    let end = repeat(R + s, R, true);
    o.extend([print(R + s), end.clone(), tail.to_vec(), end]);
    o.concat()
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = flate2::Crc::new();
    c.update(data);
    c.sum()
}

/// The zip named `name` whose only entry, also `name`, is the zip itself.
pub fn zip_quine(name: &str) -> Vec<u8> {
    let name = name.as_bytes();
    let nlen = name.len() as u16;
    let parts = |crc: u32, dlen: usize| {
        let usize_ = (30 + name.len() + dlen + 46 + name.len() + 22) as u32;
        let dlen = dlen as u32;
        let mut head = Vec::new();
        for (v, w) in [
            (0x0403_4b50, 4),
            (20, 2),
            (0, 2),
            (8, 2),
            (0, 2),
            (0x5a21, 2),
        ] {
            head.extend(&u32::to_le_bytes(v)[..w]);
        }
        for v in [crc, dlen, usize_] {
            head.extend(v.to_le_bytes());
        }
        head.extend(nlen.to_le_bytes());
        head.extend([0, 0]);
        head.extend(name);
        let mut tail = Vec::new();
        tail.extend(0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0, 8, 0, 0x5a21] {
            tail.extend(v.to_le_bytes());
        }
        for v in [crc, dlen, usize_] {
            tail.extend(v.to_le_bytes());
        }
        for v in [nlen, 0, 0, 0, 0] {
            tail.extend(v.to_le_bytes());
        }
        tail.extend([0u8; 8]);
        tail.extend(name);
        tail.extend(0x0605_4b50u32.to_le_bytes());
        for v in [0u16, 0, 1, 1] {
            tail.extend(v.to_le_bytes());
        }
        tail.extend((46 + u32::from(nlen)).to_le_bytes());
        tail.extend((30 + u32::from(nlen) + dlen).to_le_bytes());
        tail.extend([0, 0]);
        (head, tail)
    };
    let (head, tail) = parts(0, 0);
    let dlen = deflate_quine(&head, &tail).len();
    let file = |crc| {
        let (head, tail) = parts(crc, dlen);
        [head.clone(), deflate_quine(&head, &tail), tail].concat()
    };
    // crc(file(v)) = g0 ^ sum of v's bits times cols[i]; solve crc(file(v)) = v, that is
    // sum v_i (cols[i] ^ e_i) = g0, by elimination over GF(2)
    let g0 = crc32(&file(0));
    let mut basis: Vec<(u32, u32)> = Vec::new(); // (vector, which bits of v make it)
    let reduce = |basis: &[(u32, u32)], mut vec: u32, mut comb: u32| {
        for &(b, c) in basis {
            if vec ^ b < vec {
                vec ^= b;
                comb ^= c;
            }
        }
        (vec, comb)
    };
    for i in 0..32 {
        let col = (crc32(&file(1 << i)) ^ g0) ^ (1 << i);
        let (vec, comb) = reduce(&basis, col, 1 << i);
        if vec != 0 {
            basis.push((vec, comb));
            basis.sort_by_key(|b| std::cmp::Reverse(b.0));
        }
    }
    let (rest, crc) = reduce(&basis, g0, 0);
    assert_eq!(rest, 0, "this header has no CRC fixed point");
    let f = file(crc);
    assert_eq!(crc32(&f), crc);
    f
}

#[test]
fn the_quine_unzips_to_itself() {
    let q = zip_quine("r.zip");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&q[..])).expect("a zip");
    assert_eq!(z.len(), 1);
    let mut inner = Vec::new();
    std::io::Read::read_to_end(&mut z.by_name("r.zip").expect("r.zip"), &mut inner)
        .expect("its checksum holds");
    assert_eq!(inner, q);
}
