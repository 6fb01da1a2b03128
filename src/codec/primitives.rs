//! The data representations of MQTT (section 1.5): big-endian integers, variable byte
//! integers, length-prefixed UTF-8 strings and binary data. A bounds-checked reader and
//! writer: nothing here indexes a slice or can panic.

use super::error::Error;
use super::types::Pid;

/// The largest value a variable byte integer holds (four bytes).
pub const MAX_VAR_INT: u32 = 268_435_455;

/// A cursor over the bytes of one packet; every read checks the bounds.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub(crate) fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], Error> {
        let (head, tail) = self
            .buf
            .split_at_checked(n)
            .ok_or(Error::UnexpectedEnd { field })?;
        self.buf = tail;
        Ok(head)
    }

    /// Everything left (a PUBLISH payload).
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.buf)
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, Error> {
        let (&b, tail) = self
            .buf
            .split_first()
            .ok_or(Error::UnexpectedEnd { field })?;
        self.buf = tail;
        Ok(b)
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16, Error> {
        match *self.buf {
            [a, b, ref tail @ ..] => {
                self.buf = tail;
                Ok(u16::from_be_bytes([a, b]))
            }
            _ => Err(Error::UnexpectedEnd { field }),
        }
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, Error> {
        match *self.buf {
            [a, b, c, d, ref tail @ ..] => {
                self.buf = tail;
                Ok(u32::from_be_bytes([a, b, c, d]))
            }
            _ => Err(Error::UnexpectedEnd { field }),
        }
    }

    pub(crate) fn var_int(&mut self, field: &'static str) -> Result<u32, Error> {
        match decode_var_int(self.buf)? {
            Some((value, len)) => {
                self.take(len, field)?;
                Ok(value)
            }
            None => Err(Error::UnexpectedEnd { field }),
        }
    }

    /// A non-zero packet identifier [MQTT-2.2.1-3].
    pub(crate) fn pid(&mut self) -> Result<Pid, Error> {
        Pid::new(self.u16("packet identifier")?).ok_or(Error::ZeroPacketId)
    }

    /// Binary data: a two-byte length, then that many bytes.
    pub(crate) fn binary(&mut self, field: &'static str) -> Result<&'a [u8], Error> {
        let len = self.u16(field)?;
        self.take(usize::from(len), field)
    }

    /// A PUBLISH topic name: UTF-8 without U+0000 [MQTT-1.5.4-1] [MQTT-1.5.4-2] and without
    /// wildcards [MQTT-3.3.2-2], checked in one pass over the bytes (the hot path).
    #[inline]
    pub(crate) fn topic_name(&mut self) -> Result<&'a str, Error> {
        let field = "topic name";
        let bytes = self.binary(field)?;
        let topic = core::str::from_utf8(bytes).map_err(|_| Error::InvalidUtf8 { field })?;
        match bytes.iter().find(|&&b| b == 0 || b == b'+' || b == b'#') {
            None => Ok(topic),
            Some(0) => Err(Error::NullCharacter { field }),
            Some(_) => Err(Error::WildcardInTopicName),
        }
    }

    /// A UTF-8 encoded string, checked [MQTT-1.5.4-1] [MQTT-1.5.4-2].
    #[inline]
    pub(crate) fn string(&mut self, field: &'static str) -> Result<&'a str, Error> {
        let bytes = self.binary(field)?;
        check_utf8(bytes, field)
    }
}

/// Checks a UTF-8 string field: well-formed [MQTT-1.5.4-1] and without U+0000 [MQTT-1.5.4-2].
/// A zero byte never occurs inside a multi-byte UTF-8 sequence, so scanning bytes is exact.
pub(crate) fn check_utf8<'a>(bytes: &'a [u8], field: &'static str) -> Result<&'a str, Error> {
    let s = core::str::from_utf8(bytes).map_err(|_| Error::InvalidUtf8 { field })?;
    if bytes.contains(&0) {
        return Err(Error::NullCharacter { field });
    }
    Ok(s)
}

/// Checks a string the application gives for encoding: no U+0000, at most 65,535 bytes.
pub(crate) fn check_str_out(s: &str, field: &'static str) -> Result<(), Error> {
    if s.len() > usize::from(u16::MAX) {
        return Err(Error::FieldTooLong {
            field,
            len: s.len(),
        });
    }
    if s.as_bytes().contains(&0) {
        return Err(Error::NullCharacter { field });
    }
    Ok(())
}

/// Checks binary data the application gives for encoding: at most 65,535 bytes.
pub(crate) fn check_bin_out(b: &[u8], field: &'static str) -> Result<(), Error> {
    if b.len() > usize::from(u16::MAX) {
        return Err(Error::FieldTooLong {
            field,
            len: b.len(),
        });
    }
    Ok(())
}

/// Decodes a variable byte integer from the start of `buf`.
///
/// `Ok(None)` when `buf` ends before the integer does; an error when it runs over four bytes
/// or is not in its shortest form [MQTT-1.5.5-1].
pub fn decode_var_int(buf: &[u8]) -> Result<Option<(u32, usize)>, Error> {
    let mut value: u32 = 0;
    for (i, &byte) in buf.iter().enumerate().take(4) {
        value |= u32::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            // A last byte of 0 after a continuation byte means a shorter form existed.
            if i > 0 && byte == 0 {
                return Err(Error::NonMinimalVarInt);
            }
            return Ok(Some((value, i + 1)));
        }
    }
    if buf.len() >= 4 {
        Err(Error::MalformedVarInt)
    } else {
        Ok(None)
    }
}

/// The number of bytes `value` takes as a variable byte integer (1 to 4).
pub const fn var_int_len(value: u32) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// Bytes of a string or binary field: its two-byte length and its content.
pub(crate) const fn prefixed_len(len: usize) -> usize {
    2 + len
}

/// A cursor writing into a caller's slice; every write checks the bounds.
pub(crate) struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl<'b> Writer<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Writer { buf, pos: 0 }
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn bytes(&mut self, src: &[u8]) -> Result<(), Error> {
        let end = self.pos + src.len();
        let available = self.buf.len();
        let dst = self
            .buf
            .get_mut(self.pos..end)
            .ok_or(Error::BufferTooSmall {
                needed: end,
                available,
            })?;
        dst.copy_from_slice(src);
        self.pos = end;
        Ok(())
    }

    pub(crate) fn u8(&mut self, v: u8) -> Result<(), Error> {
        self.bytes(&[v])
    }

    pub(crate) fn u16(&mut self, v: u16) -> Result<(), Error> {
        self.bytes(&v.to_be_bytes())
    }

    pub(crate) fn u32(&mut self, v: u32) -> Result<(), Error> {
        self.bytes(&v.to_be_bytes())
    }

    pub(crate) fn var_int(&mut self, mut v: u32) -> Result<(), Error> {
        let mut tmp = [0u8; 4];
        let mut n = 0;
        for slot in tmp.iter_mut() {
            let mut byte = (v & 0x7f) as u8;
            v >>= 7;
            if v > 0 {
                byte |= 0x80;
            }
            *slot = byte;
            n += 1;
            if v == 0 {
                break;
            }
        }
        self.bytes(tmp.get(..n).unwrap_or(&tmp))
    }

    pub(crate) fn pid(&mut self, pid: Pid) -> Result<(), Error> {
        self.u16(pid.get())
    }

    /// Binary data; the length was checked by [`check_bin_out`] when the size was computed.
    pub(crate) fn binary(&mut self, b: &[u8]) -> Result<(), Error> {
        let len = u16::try_from(b.len()).map_err(|_| Error::FieldTooLong {
            field: "binary data",
            len: b.len(),
        })?;
        self.u16(len)?;
        self.bytes(b)
    }

    pub(crate) fn string(&mut self, s: &str) -> Result<(), Error> {
        self.binary(s.as_bytes())
    }
}
