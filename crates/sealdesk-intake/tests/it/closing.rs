//! The closing of a letter (此致 / addressee / signer / date) as OCR reads
//! it from a page whose signature is in a hand or a script font.

use sealdesk_intake::legibility::closing_lines;
use sealdesk_intake::OcrWord;

/// Lays out `lines` (text, confidence) one per row, 40 px apart, and gives
/// the page text and the words with their spans in it.
fn page(lines: &[(&str, f32)]) -> (String, Vec<OcrWord>) {
    let mut text = String::new();
    let mut words = Vec::new();
    for (row, (line, confidence)) in lines.iter().enumerate() {
        let start = text.len();
        text.push_str(line);
        words.push(OcrWord {
            page: 1,
            text: (*line).to_owned(),
            left: 100,
            top: 100 + 40 * row as u32,
            width: 30 * line.chars().count() as u32,
            height: 28,
            confidence: *confidence,
            text_start: start,
            text_end: text.len(),
        });
        text.push('\n');
    }
    (text, words)
}

#[test]
fn a_signature_ocr_read_as_noise_is_boxed_between_the_addressee_and_the_date() {
    let (_, words) = page(&[
        ("並收受餐飲招待，請依法調查。", 91.0),
        ("此致", 93.0),
        ("交通部公路局", 90.0),
        ("RSA:EA AE", 31.0),
        ("中華民國一一五年三月二日", 89.0),
    ]);
    let boxes = closing_lines(&words, 1, (1000, 1400));
    assert_eq!(boxes.len(), 1, "{boxes:?}");
    let b = boxes[0];
    // The signer's row (top 220, bottom 248) is covered to the right edge …
    assert!(
        b.y0 <= 220 && b.y1 >= 248 && b.x0 <= 100 && b.x1 == 1000,
        "{b:?}"
    );
    // … and neither the addressee's row (ends 208) nor the date (from 260).
    assert!(b.y0 > 208 - 14 && b.y1 < 260, "{b:?}");
}

#[test]
fn an_addressee_ocr_could_not_read_is_boxed_too_and_a_letter_without_a_closing_gets_nothing() {
    let (_, words) = page(&[("此至", 93.0), ("x7 ;:", 20.0), ("王 小 明 敬 上", 40.0)]);
    let boxes = closing_lines(&words, 1, (1000, 1400));
    assert_eq!(boxes.len(), 2, "{boxes:?}");
    let (_, words) = page(&[("說明：請依法調查。", 90.0), ("RSA:EA AE", 31.0)]);
    assert!(closing_lines(&words, 1, (1000, 1400)).is_empty());
    // On another page: nothing.
    let (_, words) = page(&[("此致", 93.0), ("交通部", 90.0), ("RSA", 20.0)]);
    assert!(closing_lines(&words, 2, (1000, 1400)).is_empty());
}
