/*
 * ascii.c - ASCII case for the byte-level rules of the library (ndx_int.h): protocol and header
 * words, tag and attribute names, charset labels, hosts, language codes.  Only A-Z and a-z
 * change; every other byte, UTF-8 included, is compared as it is.  Text is case-folded by the
 * analyzer (lib/text), not here.
 */
#include "ndx_int.h"

void ndx__ascii_lower_copy(char *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (char)ndx__ascii_lower((unsigned char)s[i]);
}

bool ndx__ascii_ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ndx__ascii_lower((unsigned char)a[i]) != ndx__ascii_lower((unsigned char)b[i]))
            return false;
    return true;
}

bool ndx__ascii_icontains(const char *hay, size_t nh, const char *needle, size_t nn)
{
    if (!nn || nn > nh)
        return false;
    for (size_t i = 0; i + nn <= nh; i++)
        if (ndx__ascii_ieq(hay + i, needle, nn))
            return true;
    return false;
}
