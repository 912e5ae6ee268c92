/*
 * lang.c - language detection (ndx__detect_lang).  Looks at the first 8 KB only: counts letters
 * per script (Han, kana, Hangul, Cyrillic, Greek, Arabic, Hebrew, Thai, Devanagari, Latin), decides
 * by proportions for non-Latin scripts, and for Latin text scores hand-picked function-word lists
 * of 14 languages.  "un" when no evidence is convincing.  The word table is built once per process
 * (pthread_once) and never freed (static storage, no allocation).
 */
#include "text/text.h"

#include <pthread.h>
#include <utf8proc.h>

#define SAMPLE_BYTES 8192

/* Latin-script languages scored by function words; the order breaks ties. */
static const char *const latin_langs[] = {"en", "de", "fr", "es", "it", "pt", "nl",
                                          "sv", "da", "no", "fi", "pl", "tr", "id"};

static const char *const latin_words[] = {
    /* en */
    "the and of to in is that was for with on as by at from he it his are have be this said "
    "which were has an not but they who their will been would its",
    /* de */
    "der die das und ist nicht mit sich auf für den dem ein eine einer von zu im auch es sie wird "
    "wurde werden bei nach dass aus hat sind noch wie über",
    /* fr */
    "le la les des et est une un du dans pour que qui pas sur au aux avec ce cette il elle sont "
    "par plus été ont mais leur ne selon",
    /* es */
    "el la los las de del y en que es una por con para se su al lo como más pero sus fue ha este "
    "esta son también entre sobre",
    /* it */
    "il la di che e è per una del della con non sono nel alla gli anche più dei delle si ha al ma "
    "questo come stato essere degli",
    /* pt */
    "o a os as de do da dos das em no na que é um uma para com não por se ao mais foi pelo pela "
    "são também seu sua nos",
    /* nl */
    "de het een en van is dat op te niet zijn voor met die hij ze wordt ook aan maar bij naar er "
    "om als worden heeft deze uit nog",
    /* sv */
    "och att det som en är av för på med den till har inte de om ett var jag men sig från vi kan "
    "också efter när ska eller hade",
    /* da */
    "og at det er en af til på som med den for har de ikke et var jeg men sig fra vi kan også "
    "efter når skal eller havde blev være",
    /* no */
    "og å det er en av til på som med den for har de ikke et var jeg men seg fra vi kan også "
    "etter når skal eller hadde ble være",
    /* fi */
    "ja on ei se että oli hän ovat mutta kun myös tai joka sen jos niin kuin vain olla ole jo "
    "nyt sekä hänen mukaan vuonna olisi tämä siitä",
    /* pl */
    "i w na z się nie do to że jest o jak ale po od za co przez są jego tak już dla oraz które "
    "który była był przy także",
    /* tr */
    "ve bir bu da de için ile olarak çok daha gibi ne en olan ama sonra kadar değil var ya ki "
    "göre ise her tarafından şu yok mi veya",
    /* id */
    "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke ada oleh karena bahwa "
    "sebagai atau mereka telah saat sudah bisa kami lebih seperti tersebut",
};

#define TABLE_SLOTS 2048
#define WORD_MAX    20

struct word_slot {
    const char *w; /* points into latin_words (not NUL-terminated there) */
    uint8_t n;
    uint16_t mask;
};

static struct word_slot word_table[TABLE_SLOTS];
static pthread_once_t word_table_once = PTHREAD_ONCE_INIT;

static uint32_t word_hash(const uint8_t *w, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ w[i]) * 16777619u;
    return h ^ (h >> 13);
}

static void build_word_table(void)
{
    for (size_t l = 0; l < NDX_ARRAY_LEN(latin_words); l++) {
        const char *p = latin_words[l];
        while (*p) {
            while (*p == ' ')
                p++;
            const char *q = p;
            while (*q && *q != ' ')
                q++;
            size_t n = (size_t)(q - p);
            if (n > 0 && n <= WORD_MAX) {
                uint32_t h = word_hash((const uint8_t *)p, n) & (TABLE_SLOTS - 1);
                while (word_table[h].w &&
                       !(word_table[h].n == n && memcmp(word_table[h].w, p, n) == 0))
                    h = (h + 1) & (TABLE_SLOTS - 1);
                word_table[h].w = p;
                word_table[h].n = (uint8_t)n;
                word_table[h].mask |= (uint16_t)(1u << l);
            }
            p = q;
        }
    }
}

static unsigned word_mask(const uint8_t *w, size_t n)
{
    uint32_t h = word_hash(w, n) & (TABLE_SLOTS - 1);
    while (word_table[h].w) {
        if (word_table[h].n == n && memcmp(word_table[h].w, w, n) == 0)
            return word_table[h].mask;
        h = (h + 1) & (TABLE_SLOTS - 1);
    }
    return 0;
}

enum script {
    S_LATIN,
    S_HAN,
    S_KANA,
    S_HANGUL,
    S_CYR,
    S_GREEK,
    S_ARABIC,
    S_HEBREW,
    S_THAI,
    S_DEVA,
    S_NSCRIPTS
};

static int script_of(uint32_t cp)
{
    if (cp < 0x250)
        return S_LATIN; /* caller checks it is a letter */
    if (cp >= 0x4E00 && cp <= 0x9FFF)
        return S_HAN;
    if (cp >= 0xAC00 && cp <= 0xD7A3)
        return S_HANGUL;
    if ((cp >= 0x3041 && cp <= 0x30FF && cp != 0x30FB) || (cp >= 0x31F0 && cp <= 0x31FF) ||
        (cp >= 0xFF66 && cp <= 0xFF9F))
        return S_KANA;
    if ((cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0x20000 && cp <= 0x3134F) || (cp >= 0x3005 && cp <= 0x3007))
        return S_HAN;
    if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F))
        return S_HANGUL;
    if (cp >= 0x1E00 && cp <= 0x1EFF)
        return S_LATIN;
    if (cp >= 0x400 && cp <= 0x52F)
        return S_CYR;
    if ((cp >= 0x370 && cp <= 0x3FF) || (cp >= 0x1F00 && cp <= 0x1FFF))
        return S_GREEK;
    if ((cp >= 0x600 && cp <= 0x6FF) || (cp >= 0x750 && cp <= 0x77F) ||
        (cp >= 0xFB50 && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF))
        return S_ARABIC;
    if (cp >= 0x590 && cp <= 0x5FF)
        return S_HEBREW;
    if (cp >= 0xE00 && cp <= 0xE7F)
        return S_THAI;
    if (cp >= 0x900 && cp <= 0x97F)
        return S_DEVA;
    return -1;
}

static void set_lang(char out[3], const char *code)
{
    out[0] = code[0];
    out[1] = code[1];
    out[2] = 0;
}

void ndx__detect_lang(const char *text, size_t ntext, char out[3])
{
    const uint8_t *s = (const uint8_t *)text;
    size_t n = text ? NDX_MIN(ntext, (size_t)SAMPLE_BYTES) : 0;
    size_t count[S_NSCRIPTS] = {0};
    size_t uk = 0, sr = 0, fa = 0, words = 0;
    unsigned score[NDX_ARRAY_LEN(latin_langs)] = {0};
    uint8_t w[WORD_MAX + 4];
    size_t nw = 0;
    bool wlong = false;

    pthread_once(&word_table_once, build_word_table);

    for (size_t i = 0; i <= n;) {
        uint32_t cp = ' ';
        size_t len = 1;
        if (i < n) {
            len = ndx__text_decode(s + i, n - i, &cp);
            if (!len) {
                len = 1;
                cp = ' ';
            }
        }
        i += len;
        bool letter = cp < 0x80 ? ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
                                : ndx__text_is_wordchar(cp) || ndx__text_is_cjk(cp);
        if (letter) {
            int sc = script_of(cp);
            if (sc >= 0)
                count[sc]++;
            if (sc == S_CYR && (cp == 0x456 || cp == 0x457 || cp == 0x454 || cp == 0x491 ||
                                cp == 0x406 || cp == 0x407 || cp == 0x404 || cp == 0x490))
                uk++;
            if (sc == S_CYR && (cp == 0x452 || cp == 0x45B || cp == 0x45F || cp == 0x459 ||
                                cp == 0x45A || cp == 0x458))
                sr++;
            if (sc == S_ARABIC &&
                (cp == 0x67E || cp == 0x686 || cp == 0x698 || cp == 0x6AF || cp == 0x6CC))
                fa++;
            if (sc == S_LATIN) {
                uint32_t lc = cp < 0x80 ? (cp | 0x20) : (uint32_t)utf8proc_tolower((int32_t)cp);
                uint8_t enc[4];
                size_t el = (size_t)utf8proc_encode_char((utf8proc_int32_t)lc, enc);
                if (nw + el <= WORD_MAX) {
                    memcpy(w + nw, enc, el);
                    nw += el;
                } else {
                    wlong = true;
                }
                continue;
            }
        } else if (cp >= 0x300 && cp < 0x370 && nw > 0) {
            continue; /* combining accent inside a Latin word (not NFC) */
        }
        if (nw > 0 || wlong) {
            words++;
            if (!wlong) {
                unsigned m = word_mask(w, nw);
                for (size_t l = 0; m; l++, m >>= 1)
                    if (m & 1)
                        score[l]++;
            }
        }
        nw = 0;
        wlong = false;
    }

    size_t cjk = count[S_HAN] + count[S_KANA] + count[S_HANGUL];
    size_t other = 0;
    for (int k = 0; k < S_NSCRIPTS; k++)
        other += count[k];
    other -= cjk;
    if (cjk > 0 && cjk * 3 > other) {
        if (count[S_HANGUL] >= count[S_HAN] + count[S_KANA])
            set_lang(out, "ko");
        else if (count[S_KANA] > 0 && count[S_KANA] * 50 >= cjk)
            set_lang(out, "ja");
        else
            set_lang(out, "zh");
        return;
    }

    int best = S_LATIN;
    for (int k = S_CYR; k < S_NSCRIPTS; k++)
        if (count[k] > count[best])
            best = k;
    if (best != S_LATIN) {
        size_t c = count[best];
        switch (best) {
        case S_CYR:
            set_lang(out, uk * 200 >= c ? "uk" : sr * 200 >= c ? "sr" : "ru");
            return;
        case S_GREEK:
            set_lang(out, "el");
            return;
        case S_ARABIC:
            set_lang(out, fa * 100 >= c ? "fa" : "ar");
            return;
        case S_HEBREW:
            set_lang(out, "he");
            return;
        case S_THAI:
            set_lang(out, "th");
            return;
        default:
            set_lang(out, "hi");
            return;
        }
    }

    size_t bl = 0, hits = 0;
    for (size_t l = 0; l < NDX_ARRAY_LEN(latin_langs); l++)
        if (score[l] > score[bl])
            bl = l;
    hits = score[bl];
    bool convincing = hits >= 2 || (hits == 1 && words <= 5);
    if (convincing && hits * 100 >= words * 8)
        set_lang(out, latin_langs[bl]);
    else
        set_lang(out, "un");
}
