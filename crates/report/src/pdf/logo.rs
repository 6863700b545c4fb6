//! The MSP's logo from a PNG file, bounded and flattened onto white.

use crate::doc::Logo;
use std::io::Cursor;

/// The largest PNG file accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 8 * 1024 * 1024;
/// The largest width or height accepted, in pixels.
pub const MAX_LOGO_SIDE: u32 = 4096;

/// Why a logo could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LogoError {
    #[error("logo file is {0} bytes; use a PNG of at most 8 MiB")]
    TooManyBytes(usize),
    #[error("logo is {0}×{1} pixels; use a PNG of at most 4096 pixels a side")]
    TooLarge(u32, u32),
    #[error("logo is not a readable PNG: {0}")]
    Decode(String),
}

impl Logo {
    /// Decodes a PNG (any colour type and bit depth) into 8-bit RGB, blending any transparency
    /// onto white, so the PDF needs no soft mask. Refuses files over 8 MiB or 4096 pixels a
    /// side before decoding the pixels, so a hostile file cannot make it allocate much.
    pub fn from_png(bytes: &[u8]) -> Result<Logo, LogoError> {
        if bytes.len() > MAX_LOGO_BYTES {
            return Err(LogoError::TooManyBytes(bytes.len()));
        }
        let decode = |e: png::DecodingError| LogoError::Decode(e.to_string());
        let mut decoder = png::Decoder::new_with_limits(
            Cursor::new(bytes),
            png::Limits {
                bytes: 80 * 1024 * 1024,
            },
        );
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().map_err(decode)?;
        let (width, height) = reader.info().size();
        if width > MAX_LOGO_SIDE || height > MAX_LOGO_SIDE {
            return Err(LogoError::TooLarge(width, height));
        }
        if width == 0 || height == 0 {
            return Err(LogoError::Decode("the image is empty".into()));
        }
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| LogoError::Decode("the image is too large".into()))?;
        let mut buf = vec![0; size];
        let frame = reader.next_frame(&mut buf).map_err(decode)?;
        let (color, _) = reader.output_color_type();
        let channels = color.samples();
        let pixels = (width as usize) * (height as usize);
        let mut rgb = Vec::with_capacity(pixels * 3);
        for row in buf.chunks(frame.line_size).take(height as usize) {
            for px in row.chunks(channels).take(width as usize) {
                let (r, g, b, a) = match *px {
                    [v] => (v, v, v, 255),
                    [v, a] => (v, v, v, a),
                    [r, g, b] => (r, g, b, 255),
                    [r, g, b, a] => (r, g, b, a),
                    _ => return Err(LogoError::Decode("unexpected pixel layout".into())),
                };
                let blend = |c: u8| -> u8 {
                    let c = u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a));
                    ((c + 127) / 255) as u8
                };
                rgb.extend([blend(r), blend(g), blend(b)]);
            }
        }
        if rgb.len() != pixels * 3 {
            return Err(LogoError::Decode("the image data is short".into()));
        }
        Ok(Logo { width, height, rgb })
    }
}
