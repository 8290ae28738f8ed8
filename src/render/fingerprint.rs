//! Fingerprints of serialisable values: a 128-bit XXH3 hash of everything
//! `serde` sees of a value (each field's name, each value with its kind),
//! written as raw bytes (no printing of numbers, no escaping) into a buffer
//! that is hashed at once. Two values with the same fingerprint serialise
//! the same (but for a 2^-128 chance).

use serde::ser::{self, Serialize};
use std::cell::RefCell;

/// The fingerprint of `value`; none when it cannot be serialised whole
/// (then it is never taken for another).
pub fn of<T: Serialize + ?Sized>(value: &T) -> Option<u128> {
    thread_local! {
        // Each thread's buffer is reused: fingerprints are taken by the thousand.
        static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    BUFFER.with(|buffer| {
        let mut buffer = buffer.try_borrow_mut().ok()?;
        buffer.clear();
        value.serialize(Feed(&mut buffer)).ok()?;
        let fingerprint = xxhash_rust::xxh3::xxh3_128(&buffer);
        // A very large value's buffer is not kept.
        if buffer.capacity() > 1 << 20 {
            *buffer = Vec::new();
        }
        Some(fingerprint)
    })
}

/// One byte before every value says what follows, so that no two
/// different values feed the same bytes: strings carry their length,
/// compound values end with `END`.
mod tag {
    pub const BOOL: u8 = 1;
    pub const INT: u8 = 2;
    pub const UINT: u8 = 3;
    pub const FLOAT: u8 = 4;
    pub const CHAR: u8 = 5;
    pub const STR: u8 = 6;
    pub const BYTES: u8 = 7;
    pub const NONE: u8 = 8;
    pub const SOME: u8 = 9;
    pub const UNIT: u8 = 10;
    pub const VARIANT: u8 = 11;
    pub const SEQ: u8 = 12;
    pub const MAP: u8 = 13;
    pub const STRUCT: u8 = 14;
    pub const FIELD: u8 = 15;
    pub const SKIPPED: u8 = 16;
    pub const END: u8 = 17;
}

#[derive(Debug)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

struct Feed<'h>(&'h mut Vec<u8>);

impl Feed<'_> {
    fn put(&mut self, tag: u8, bytes: &[u8]) {
        self.0.push(tag);
        self.0.extend_from_slice(bytes);
    }
    fn text(&mut self, tag: u8, text: &[u8]) {
        self.put(tag, &(text.len() as u64).to_le_bytes());
        self.0.extend_from_slice(text);
    }
    /// A variant with fields: its name, then its fields as a `kind`.
    fn open_variant(mut self, variant: &str, kind: u8) -> Result<Self, Error> {
        self.text(tag::VARIANT, variant.as_bytes());
        self.put(kind, &[]);
        Ok(self)
    }
    fn reborrow(&mut self) -> Feed<'_> {
        Feed(self.0)
    }
}

type Done = Result<(), Error>;

macro_rules! widen {
    ($($method:ident($t:ty) => $wide:ident),*) => {$(
        fn $method(self, v: $t) -> Done {
            self.$wide(v.into())
        }
    )*};
}

impl<'h> ser::Serializer for Feed<'h> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    // Narrower numbers as the widest of their kind (as JSON has them).
    widen!(
        serialize_i8(i8) => serialize_i128,
        serialize_i16(i16) => serialize_i128,
        serialize_i32(i32) => serialize_i128,
        serialize_i64(i64) => serialize_i128,
        serialize_u8(u8) => serialize_u128,
        serialize_u16(u16) => serialize_u128,
        serialize_u32(u32) => serialize_u128,
        serialize_u64(u64) => serialize_u128,
        serialize_f32(f32) => serialize_f64
    );

    fn serialize_bool(mut self, v: bool) -> Done {
        self.put(tag::BOOL, &[v as u8]);
        Ok(())
    }
    fn serialize_i128(mut self, v: i128) -> Done {
        self.put(tag::INT, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(mut self, v: u128) -> Done {
        self.put(tag::UINT, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_f64(mut self, v: f64) -> Done {
        self.put(tag::FLOAT, &v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(mut self, v: char) -> Done {
        self.put(tag::CHAR, &u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(mut self, v: &str) -> Done {
        self.text(tag::STR, v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(mut self, v: &[u8]) -> Done {
        self.text(tag::BYTES, v);
        Ok(())
    }
    fn serialize_none(mut self) -> Done {
        self.put(tag::NONE, &[]);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(mut self, value: &T) -> Done {
        self.put(tag::SOME, &[]);
        value.serialize(self)
    }
    fn serialize_unit(mut self) -> Done {
        self.put(tag::UNIT, &[]);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Done {
        self.serialize_unit()
    }
    fn serialize_unit_variant(mut self, _: &'static str, _: u32, variant: &'static str) -> Done {
        self.text(tag::VARIANT, variant.as_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Done {
        self.text(tag::VARIANT, variant.as_bytes());
        value.serialize(self)
    }
    fn serialize_seq(mut self, _: Option<usize>) -> Result<Self, Error> {
        self.put(tag::SEQ, &[]);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        self.open_variant(variant, tag::SEQ)
    }
    fn serialize_map(mut self, _: Option<usize>) -> Result<Self, Error> {
        self.put(tag::MAP, &[]);
        Ok(self)
    }
    fn serialize_struct(mut self, _: &'static str, _: usize) -> Result<Self, Error> {
        self.put(tag::STRUCT, &[]);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        name: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        self.open_variant(name, tag::STRUCT)
    }
}

/// Elements of every compound value: each fed in turn, then `END`.
macro_rules! elements {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Feed<'_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
                value.serialize(self.reborrow())
            }
            fn end(mut self) -> Done {
                self.put(tag::END, &[]);
                Ok(())
            }
        }
    )*};
}
elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Feed<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        key.serialize(self.reborrow())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(self.reborrow())
    }
    fn end(mut self) -> Done {
        self.put(tag::END, &[]);
        Ok(())
    }
}

/// Fields of structs: each with its name (a skipped one leaves a mark).
macro_rules! fields {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Feed<'_> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
                self.text(tag::FIELD, key.as_bytes());
                value.serialize(self.reborrow())
            }
            fn skip_field(&mut self, key: &'static str) -> Done {
                self.text(tag::SKIPPED, key.as_bytes());
                Ok(())
            }
            fn end(mut self) -> Done {
                self.put(tag::END, &[]);
                Ok(())
            }
        }
    )*};
}
fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(serde::Serialize)]
    struct Item<'a> {
        name: &'a str,
        parts: Vec<&'a str>,
        size: Option<f64>,
    }

    #[test]
    fn equal_values_agree_and_different_ones_differ() {
        let a = Item {
            name: "ab",
            parts: vec!["c"],
            size: Some(1.5),
        };
        let same = Item {
            name: "ab",
            parts: vec!["c"],
            size: Some(1.5),
        };
        assert_eq!(of(&a), of(&same));
        // Text moved between neighbouring strings, a value moved between
        // fields, a float changed in its last bit: all tell apart.
        let moved = Item {
            name: "a",
            parts: vec!["bc"],
            size: Some(1.5),
        };
        let split = Item {
            name: "ab",
            parts: vec!["", "c"],
            size: Some(1.5),
        };
        let nudged = Item {
            name: "ab",
            parts: vec!["c"],
            size: Some(f64::from_bits(1.5f64.to_bits() + 1)),
        };
        let none = Item {
            name: "ab",
            parts: vec!["c"],
            size: None,
        };
        let all = [of(&a), of(&moved), of(&split), of(&nudged), of(&none)];
        for (i, x) in all.iter().enumerate() {
            assert!(x.is_some());
            for y in &all[i + 1..] {
                assert_ne!(x, y);
            }
        }
        // Nesting is part of the value: [[1], [2]] is not [[1, 2]].
        assert_ne!(of(&vec![vec![1], vec![2]]), of(&vec![vec![1, 2]]));
        let map: BTreeMap<&str, u8> = [("k", 1)].into();
        assert_ne!(of(&map), of(&("k", 1u8)));
    }
}
