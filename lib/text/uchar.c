/*
 * uchar.c - character-level helpers of the text module: a strict UTF-8 decoder that never reads
 * past the end of its input, and the character classes the tokenizer, the sentence splitter and the
 * language detector share (word characters, CJK characters).  Categories come from utf8proc.
 */
#include "text/text.h"

#include <utf8proc.h>

size_t ndx__text_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    uint32_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0) {
        if (n < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        *cp = (c & 0x1F) << 6 | (s[1] & 0x3F);
        return 2;
    }
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        uint32_t v = (c & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *cp = v;
        return 3;
    }
    if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
        return 0;
    uint32_t v = (c & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 | (uint32_t)(s[2] & 0x3F) << 6 |
                 (s[3] & 0x3F);
    if (v < 0x10000 || v > 0x10FFFF)
        return 0;
    *cp = v;
    return 4;
}

bool ndx__text_is_cjk(uint32_t cp)
{
    if (cp < 0x3005)
        return false;
    if (cp >= 0x4E00 && cp <= 0x9FFF)              /* CJK unified ideographs */
        return true;
    if (cp >= 0xAC00 && cp <= 0xD7A3)              /* Hangul syllables */
        return true;
    if (cp <= 0x3007)                              /* 々 〆 〇 */
        return true;
    if (cp >= 0x3041 && cp <= 0x3096)              /* Hiragana */
        return true;
    if (cp >= 0x309D && cp <= 0x309F)              /* ゝ ゞ ゟ */
        return true;
    if (cp >= 0x30A1 && cp <= 0x30FF && cp != 0x30FB)  /* Katakana incl. ー, not ・ */
        return true;
    if (cp >= 0x31F0 && cp <= 0x31FF)              /* Katakana phonetic extensions */
        return true;
    if (cp >= 0x3400 && cp <= 0x4DBF)              /* Extension A */
        return true;
    if (cp >= 0xF900 && cp <= 0xFAFF)              /* compatibility ideographs */
        return true;
    if (cp >= 0xFF66 && cp <= 0xFF9D)              /* halfwidth katakana incl. ｰ */
        return true;
    if (cp >= 0x20000 && cp <= 0x3134F)            /* Extensions B-G */
        return true;
    return false;
}

bool ndx__text_is_wordchar(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return !ndx__text_is_cjk(cp);
    default:
        /* soft hyphen and zero-width (non-)joiners live inside words; folding drops them */
        return cp == 0x00AD || cp == 0x200C || cp == 0x200D;
    }
}
