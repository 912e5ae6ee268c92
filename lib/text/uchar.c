/*
 * uchar.c - character-level helpers of the text module: the character classes the tokenizer, the
 * sentence splitter and the language detector share (word characters, CJK characters).  Categories
 * come from utf8proc; UTF-8 is decoded by ndx__utf8_decode (util/utf8.c).
 */
#include "text/text.h"

#include <utf8proc.h>

bool ndx__text_is_cjk(uint32_t cp)
{
    if (cp < 0x3005)
        return false;
    if (cp >= 0x4E00 && cp <= 0x9FFF) /* CJK unified ideographs */
        return true;
    if (cp >= 0xAC00 && cp <= 0xD7A3) /* Hangul syllables */
        return true;
    if (cp <= 0x3007) /* 々 〆 〇 */
        return true;
    if (cp >= 0x3041 && cp <= 0x3096) /* Hiragana */
        return true;
    if (cp >= 0x309D && cp <= 0x309F) /* ゝ ゞ ゟ */
        return true;
    if (cp >= 0x30A1 && cp <= 0x30FF && cp != 0x30FB) /* Katakana incl. ー, not ・ */
        return true;
    if (cp >= 0x31F0 && cp <= 0x31FF) /* Katakana phonetic extensions */
        return true;
    if (cp >= 0x3400 && cp <= 0x4DBF) /* Extension A */
        return true;
    if (cp >= 0xF900 && cp <= 0xFAFF) /* compatibility ideographs */
        return true;
    if (cp >= 0xFF66 && cp <= 0xFF9D) /* halfwidth katakana incl. ｰ */
        return true;
    if (cp >= 0x20000 && cp <= 0x3134F) /* Extensions B-G */
        return true;
    return false;
}

bool ndx__text_is_wordchar(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
    if (ndx__text_in_cats(cp, NDX_CATS_LMN))
        return !ndx__text_is_cjk(cp);
    /* soft hyphen and zero-width (non-)joiners live inside words; folding drops them */
    return cp == 0x00AD || cp == 0x200C || cp == 0x200D;
}
