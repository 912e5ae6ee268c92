/*
 * lexicon.c - the words the entity and quote rules consult.
 *
 * Two kinds of entry share one hash map (key: 64-bit hash of the string, seeded by kind):
 *  - lower-cased cue words with LW_* flags: the hand-written lists below (titles, role nouns,
 *    organisation and place heads, reporting verbs, function words), plus LW_COMMON for every
 *    lower-case entry of the system word list (Debian's wamerican, /usr/share/dict/words);
 *  - names as written with LN_* flags: countries and subdivisions from iso-codes
 *    (/usr/share/iso-codes/json/iso_3166-{1,2}.json), cities from geonames (the
 *    data is compiled into Debian's libgeonames0, which is opened with dlopen), and every
 *    capitalised entry of the word list (LN_PROPER: given names, surnames, places).
 * Everything is read once per process at first use, or from a cache of what was read
 * (names/lexcache.c).  A missing file or library is not an error:
 * ndx_names_data_status() says what is missing and the rules work with the rest.
 * NEWSDEX_ISO_CODES_DIR, NEWSDEX_WORDS_FILE and NEWSDEX_GEONAMES_LIB override the paths
 * (an empty value turns that source off).
 */
#include "names/names.h"
#include "util/map.h"

#include <dlfcn.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define SEED_WORD 0x6e647877u
#define SEED_NAME 0x6e64786eu

static struct ndx_map g_lex;
/* The hand-written cue words alone, with their flags in g_lex: a small map that stays in the
 * processor's cache, for the lower-case words of a text, which are looked up for cues only. */
static struct ndx_map g_cue;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static char g_status[512];
static int g_status_ok = 1;

/* clang-format off */
static const struct { unsigned flags; const char *words; } k_lists[] = {
    {LW_TITLE, "president presidents minister ministers premier secretary chancellor king queen "
     "prince princess pope senator sen governor gov mayor general gen judge justice dr doctor mr "
     "mrs ms miss mister sir dame lord lady rev reverend prof professor chairman chairwoman "
     "chairperson chair director ambassador commissioner commander colonel col lieutenant lt "
     "captain capt sergeant sgt admiral marshal inspector detective sheriff bishop "
     "archbishop cardinal rabbi imam sheikh emir sultan ayatollah representative rep congressman "
     "congresswoman councillor councilman councilwoman spokesman spokeswoman spokesperson "
     "emperor empress tsar czar duke duchess count countess baron baroness speaker coach "
     "officer chief leader envoy attorney counsel mp mep superintendent constable agent pastor "
     "father brother sister major famer"},
    {LW_TITLEMOD, "vice deputy prime foreign chief executive general acting former first "
     "interim senior assistant associate lord grand supreme high crown state party defence "
     "defense finance interior justice health trade home foreign-affairs co-founder"},
    {LW_ROLE, "spokesman spokeswoman spokesperson activist leader adviser advisor director "
     "chairman chairwoman chief secretary minister president envoy ambassador lawyer attorney "
     "actor actress singer songwriter rapper player coach manager striker midfielder defender "
     "goalkeeper author writer novelist poet journalist reporter editor columnist professor "
     "researcher scientist economist analyst official officer premier senator governor mayor "
     "founder co-founder owner executive ceo cfo chair commissioner commander general judge "
     "prosecutor candidate politician lawmaker legislator diplomat banker businessman "
     "businesswoman entrepreneur investor billionaire artist painter photographer filmmaker "
     "director producer composer guitarist drummer bassist pianist vocalist musician dancer "
     "athlete champion boxer wrestler cyclist driver pilot astronaut priest bishop monk nun "
     "king queen prince princess emperor dictator general colonel sergeant soldier "
     "teacher student doctor surgeon nurse engineer architect designer chef "
     "spokesperson representative deputy aide negotiator mediator campaigner dissident "
     "blogger host presenter anchor commentator historian philosopher theologian "
     "son daughter wife husband widow mother father brother sister grandson granddaughter "
     "boss head counsel heir successor predecessor rival colleague partner ally friend "
     "mr mrs ms dr sir"},
    {LW_ORGHEAD, "ministry department office bureau agency administration authority commission "
     "committee council board party front movement alliance coalition union federation league "
     "association society institute institution foundation fund trust academy university "
     "college school seminary hospital clinic museum gallery library orchestra choir band "
     "church mosque temple parliament assembly senate congress court tribunal army navy "
     "corps police guard guards forces force brigade regiment battalion division command "
     "company corporation corp inc incorporated ltd limited plc llc llp gmbh ag sa nv bv co "
     "group holdings industries enterprises systems technologies technology labs laboratories "
     "partners associates airlines airline airways motors bank bancorp exchange market "
     "markets securities capital insurance energy oil petroleum pharmaceuticals pharma "
     "records studios studio pictures films entertainment media network networks "
     "broadcasting television tv radio news times post herald tribune journal "
     "gazette telegraph guardian observer chronicle magazine review press daily weekly "
     "club fc afc cf team united rovers wanderers athletic olympic olympics "
     "organisation organization org service services centre center network agency "
     "cabinet government regime junta secretariat directorate inspectorate "
     "caucus conference convention forum council hotel casino laboratory fame fleet squadron "
     "wing confederation publishing publishers publications works lines brewery cooperative "
     "co-operative consortium syndicate philharmonic symphony ensemble quartet observatory "
     "constabulary hc"},
    {LW_ORGSUFFIX, "inc inc. corp corp. ltd ltd. plc llc llp gmbh ag co co. sa nv bv"},
    {LW_LOCHEAD, "river rivers mountain mountains mount hills hill lake lakes sea ocean island "
     "islands isle isles bay gulf strait straits channel canal valley desert plain plains "
     "peninsula coast cape beach falls forest glacier volcano reef delta basin plateau "
     "province county state states prefecture oblast krai region district territory "
     "territories canton municipality city town village borough township parish "
     "street st road rd avenue ave boulevard lane square park bridge highway motorway "
     "heights springs harbour harbor port airport station quarter stadium arena oval "
     "raceway speedway circuit pond brook creek stream dock docks wharf pier cathedral chapel "
     "abbey castle palace tower hall house manor mansion mall plaza railway railroad "
     "playground playfield garden gardens zoo prison jail cemetery monument memorial trail "
     "pass gorge canyon cliff cliffs ridge peak summit dam reservoir marsh swamp woods grove "
     "estuary fjord lagoon crossing junction cave caves shore shores rink area courthouse "
     "way place"},
    {LW_MISCHEAD, "war wars battle campaign offensive revolution crisis uprising rebellion "
     "massacre award awards prize prizes medal trophy cup championship championships "
     "tournament games olympics festival fest expo album ep single song songs book novel "
     "film movie show series season episode act bill treaty accord agreement pact doctrine "
     "plan programme program project initiative day week year era age dynasty empire "
     "language languages dialect script bible gospel hymn anthem motto manifesto report "
     "declaration constitution charter code law rule syndrome disease virus "
     "bowl derby classic open grand prix marathon rally rivalry"},
    {LW_LOCPRE, "mount mt lake cape gulf bay isle port fort loch"},
    {LW_CONN, "de da di do dos das du del della der den van von la le bin ibn al el y ter "
     "zu ben abu bint st."},
    {LW_OFCONN, "of for and & the on at in"},
    {LW_REPORT, "said says say told tells added adds announced announces wrote writes argued "
     "argues explained explains noted notes stated states asked asks replied replies insisted "
     "insists warned warns claimed claims recalled recalls admitted admits declared declares "
     "stressed stresses acknowledged acknowledges confirmed confirms denied denies urged urges "
     "predicted predicts suggested suggests concluded concludes continued continues "
     "complained complains commented comments responded responds answered answers observed "
     "observes tweeted tweets posted posts quipped joked remarked remarks cautioned cautions "
     "conceded concedes agreed agrees estimated estimates reported reports believes believed "
     "thinks thought felt feels adding saying telling"},
    {LW_STOP, "a an the this that these those there here it its it's he she they we you i "
     "his her their our your my me him them us who whom whose which what when where why how "
     "and or but nor so yet if then than as at by for from in into of on onto to with without "
     "about above after against along among around before behind below beneath beside "
     "besides between beyond during except inside near outside over past since through "
     "throughout till toward towards under underneath until unlike up upon via within "
     "all any both each either every few many more most much neither no none not only other "
     "same several some such whatever whichever whoever also already always even ever just "
     "never now often once perhaps still too very well however meanwhile moreover "
     "nevertheless nonetheless otherwise therefore thus indeed instead later last next first "
     "second third one two three four five six seven eight nine ten hundreds thousands "
     "millions yesterday today tomorrow tonight while although though because unless whether "
     "according despite amid amidst like please yes oh mr mrs ms dr st is are was were be "
     "been being have has had do does did will would shall should can could may might must "
     "new old many another earlier recently currently finally initially eventually "
     "lt gen col sgt capt rep sen gov prof rev"},
    {LW_NEVER, "january february march april may june july august september october november "
     "december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday "
     "thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun "
     "christmas easter ramadan eid god internet tv ok gdp ceo cfo coo cto covid aids hiv dna "
     "rna pc ufo id vat ipo faq usb pdf sms ram cpu led lgbt lgbtq lgbtqi lgbtq+ ngo ngos mps "
     "ad bc ce bce am pm est edt pst pdt gmt utc cet fm ii iii iv vi vii viii ix xi xii xiii "
     "xiv xv xvi xx xxi ok rsvp ps etc cd cds dvd ep lp dj djs mc mvp suv vip ko tko pos ost "
     "hq pr faqs diy"},
    {LW_PORTFOLIO, "of the for and foreign affairs state defence defense finance justice health "
     "interior home trade commerce industry energy agriculture labour labor transport "
     "transportation education environment culture security economy economic treasury war "
     "information communications development housing science technology tourism sport sports "
     "welfare social public works immigration planning budget internal external european "
     "general staff mines water resources fisheries"},
    {LW_PLACENOUN, "city town village hamlet district province region county state capital "
     "island port suburb neighbourhood neighborhood area municipality prefecture borough "
     "republic kingdom country"},
    {LW_LOCPREP, "in near outside across throughout"},
    {LW_PRONOUN, "he she they it we i"},
    {LW_ORDINAL, "first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
     "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
     "twentieth"},
    {LW_DIRECTION, "north south east west northern southern eastern western central upper "
     "lower greater new old inner outer"},
    {LW_QVERB, "quoted called calling described describing dubbed termed branded labelled "
     "labeled announced announcing"},
    {LW_DET, "the a an one some several many two three four another this these those its his "
     "her their our any each both most all few other"},
};

/* Place names in everyday use that ISO 3166 does not give in that form. */
static const char k_places[] =
    "Britain|Great Britain|England|Scotland|Wales|Northern Ireland|America|Russia|"
    "Czech Republic|Czechia|Macedonia|Kosovo|Ivory Coast|Burma|Holland|Vatican|Gaza|"
    "West Bank|Palestine|Korea|Congo|Europe|Asia|Africa|North America|South America|"
    "Latin America|Central America|Middle East|Antarctica|Oceania|Scandinavia|Balkans|"
    "Caribbean|Siberia|Tibet|Kashmir|Crimea|Donbas|Hong Kong|Macau|Macao|Taiwan|Syria|Iran|"
    "Laos|Vietnam|Bolivia|Venezuela|Tanzania|Moldova|North Korea|South Korea|US|U.S.|USA|"
    "U.S.A.|UK|U.K.|UAE|Soviet Union|USSR|East Germany|West Germany|Yugoslavia|"
    "Persian Gulf|Pacific|Atlantic|Mediterranean|Arctic|Sahara|Himalayas|Alps|Andes|"
    "New England|Midwest|Western Europe|Eastern Europe|Southeast Asia|East Asia|South Asia|"
    "Central Asia|North Africa|West Africa|East Africa|Horn of Africa|Sub-Saharan Africa";

/* Nationality adjectives that country names do not give by a suffix rule. */
static const char k_demonyms[] =
    "Chinese|Japanese|French|British|Dutch|Swiss|Polish|Greek|Thai|Turkish|Spanish|Danish|"
    "Swedish|Finnish|Irish|Scottish|Welsh|English|Vietnamese|Portuguese|Lebanese|Sudanese|"
    "Taiwanese|Nepalese|Burmese|Congolese|Senegalese|Maltese|Filipino|Pakistani|Israeli|Iraqi|"
    "Saudi|Kuwaiti|Yemeni|Omani|Qatari|Bangladeshi|Afghan|Uzbek|Kazakh|Tajik|Icelandic|Arab|"
    "Western|Eastern|Northern|Southern|European|African|Asian|Muslim|Christian|Jewish|"
    "Catholic|Protestant|Orthodox|Hindu|Buddhist|Sikh|Latino|Hispanic|Soviet|Communist|"
    "Socialist|Democrat|Republican|Uighur|Uyghur|Kurdish|Palestinian|Cantonese|Slovak|Czech|"
    "Norwegian|Belgian|Austrian|Hungarian|Romanian|Bulgarian|Ukrainian|Belarusian|Serbian|"
    "Croatian|Bosnian|Albanian|Georgian|Armenian|Azerbaijani|Egyptian|Moroccan|Algerian|"
    "Tunisian|Libyan|Nigerian|Kenyan|Ethiopian|Somali|Ghanaian|Brazilian|Argentine|"
    "Argentinian|Chilean|Peruvian|Colombian|Mexican|Cuban|Canadian|American|Australian|"
    "Indian|Indonesian|Malaysian|Korean|Mongolian|Russian|German|Italian|Iranian|Syrian|"
    "Jordanian|Emirati|New Zealander|Kiwi|Latin|Nordic|Baltic|Slavic|Persian|Tibetan";

/* Trailing words of subdivision names ("Sichuan Sheng", "Inner Mongolia Autonomous Region")
 * that everyday text leaves out. */
static const char *const k_admin_words[] = {
    "Sheng", "Shi", "Zizhiqu", "SAR", "Uygur", "Zhuangzu", "Huizu", "Huizi", "Autonomous",
    "Region", "Province", "Oblast", "Krai", "Prefecture", "Governorate", "Municipality",
    "Voivodeship", "County", "District", "Kraj", "Okrug", "Department", "Canton", "Emirate",
};
/* clang-format on */

static uint64_t key_of(const char *s, size_t n, uint32_t seed)
{
    uint64_t k = ndx__hash64(s, n, seed);
    return k ? k : 1;
}

static void add(uint64_t key, unsigned flags)
{
    uint64_t old = ndx__map_get(&g_lex, key);
    if ((old | flags) != old && ndx__map_put(&g_lex, key, old | flags) != NDX_OK)
        g_status_ok = 0;
}

static size_t lower_ascii(const char *s, size_t n, char *out, size_t cap)
{
    if (n > cap)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return n;
}

static void add_word(const char *s, size_t n, unsigned flags)
{
    char low[64];
    size_t m = lower_ascii(s, n, low, sizeof low);
    if (m)
        add(key_of(low, m, SEED_WORD), flags);
}

static void add_name(const char *s, size_t n, unsigned flags)
{
    /* collapse runs of spaces; names longer than a name span are of no use */
    char buf[256];
    size_t m = 0;
    for (size_t i = 0; i < n && m < sizeof buf; i++) {
        if (s[i] == ' ' && (m == 0 || buf[m - 1] == ' '))
            continue;
        buf[m++] = s[i];
    }
    while (m && buf[m - 1] == ' ')
        m--;
    if (m && m < sizeof buf)
        add(key_of(buf, m, SEED_NAME), flags);
}

static void add_list(const char *list, unsigned flags, int is_name)
{
    const char *p = list;
    char sep = is_name ? '|' : ' ';
    while (*p) {
        const char *q = strchr(p, sep);
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (n)
            (is_name ? add_name : add_word)(p, n, flags);
        if (!q)
            break;
        p = q + 1;
    }
}

static void status_note(const char *fmt, const char *what)
{
    size_t used = strlen(g_status);
    if (used + 2 >= sizeof g_status)
        return;
    snprintf(g_status + used, sizeof g_status - used, "%s", used ? "; " : "");
    used = strlen(g_status);
    snprintf(g_status + used, sizeof g_status - used, fmt, what);
}

static const char *path_of(const char *env, const char *def)
{
    const char *v = getenv(env);
    return v ? v : def;
}

/* A subdivision or city name: as written, without a bracketed note, without leading "State of"
 * and without trailing administrative words; country names "Korea, Republic of" also as "Korea". */
static void add_place(const char *name, unsigned flags)
{
    size_t n = strlen(name);
    const char *br = memchr(name, '[', n);
    if (br)
        n = (size_t)(br - name);
    while (n && name[n - 1] == ' ')
        n--;
    add_name(name, n, flags);
    const char *comma = memchr(name, ',', n);
    if (comma)
        add_name(name, (size_t)(comma - name), flags);
    if (n > 9 && memcmp(name, "State of ", 9) == 0)
        add_name(name + 9, n - 9, flags);
    size_t m = n;
    for (int guard = 0; guard < 4; guard++) {
        const char *sp = NULL;
        for (size_t i = m; i > 0; i--)
            if (name[i - 1] == ' ') {
                sp = name + i - 1;
                break;
            }
        if (!sp)
            break;
        const char *w = sp + 1;
        size_t wn = (size_t)(name + m - w);
        int admin = 0;
        for (size_t k = 0; k < NDX_ARRAY_LEN(k_admin_words); k++)
            if (strlen(k_admin_words[k]) == wn && memcmp(k_admin_words[k], w, wn) == 0)
                admin = 1;
        if (!admin)
            break;
        m = (size_t)(sp - name);
        add_name(name, m, flags);
    }
}

/* Nationality adjectives by suffix: Korea -> Korean, Italy -> Italian, Kenya -> Kenyan. */
static void add_demonyms_of(const char *name)
{
    size_t n = strlen(name);
    if (n < 4 || n > 40 || strchr(name, ' ') || strchr(name, ','))
        return;
    char buf[64];
    static const char *const sfx[] = {"n", "an", "ian"};
    for (size_t i = 0; i < NDX_ARRAY_LEN(sfx); i++) {
        snprintf(buf, sizeof buf, "%s%s", name, sfx[i]);
        add_name(buf, strlen(buf), LN_DEMONYM);
    }
    char last = name[n - 1];
    if (last == 'a' || last == 'y' || last == 'e' || last == 'o') {
        snprintf(buf, sizeof buf, "%.*sian", (int)(n - 1), name);
        add_name(buf, strlen(buf), LN_DEMONYM);
        snprintf(buf, sizeof buf, "%.*san", (int)(n - 1), name);
        add_name(buf, strlen(buf), LN_DEMONYM);
    }
}

static int load_iso_file(const char *dir, const char *file, const char *key, unsigned flags)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!root) {
        status_note("%s not readable (install iso-codes): places from cues only", path);
        return -1;
    }
    json_t *arr = json_object_get(root, key);
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        static const char *const fields[] = {"name", "common_name", "official_name"};
        for (size_t f = 0; f < NDX_ARRAY_LEN(fields); f++) {
            const char *v = json_string_value(json_object_get(e, fields[f]));
            if (!v)
                continue;
            add_place(v, flags);
            if (flags & LN_COUNTRY)
                add_demonyms_of(v);
        }
    }
    json_decref(root);
    return 0;
}

static void load_words(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        status_note("%s not readable (install wamerican): fewer common words known", path);
        return;
    }
    char line[256];
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        if (n == 0 || n >= 64)
            continue;
        unsigned char c = (unsigned char)line[0];
        if (c >= 'A' && c <= 'Z')
            add_name(line, n, LN_PROPER);
        else if (c >= 'a' && c <= 'z')
            add_word(line, n, LW_COMMON);
    }
    fclose(f);
}

/* geonames keeps its cities (population 15,000 and more) inside the library itself. */
static void load_geonames(void *h, const char *lib)
{
    if (!h) {
        status_note("%s not loadable (install libgeonames0): cities from cues only", lib);
        return;
    }
    int (*n_cities)(void) = (int (*)(void))dlsym(h, "geonames_get_n_cities");
    void *(*get_city)(int) = (void *(*)(int))dlsym(h, "geonames_get_city");
    void (*city_free)(void *) = (void (*)(void *))dlsym(h, "geonames_city_free");
    const char *(*get_name)(void *) = (const char *(*)(void *))dlsym(h, "geonames_city_get_name");
    if (!n_cities || !get_city || !city_free || !get_name) {
        status_note("%s lacks the geonames functions: cities from cues only", lib);
        dlclose(h);
        return;
    }
    int n = n_cities();
    /* names only: subdivisions come from iso-codes (reading each city's state as well would
     * double the load time, which is most of the lexicon's) */
    for (int i = 0; i < n; i++) {
        void *c = get_city(i);
        if (!c)
            continue;
        const char *name = get_name(c);
        if (name)
            add_place(name, LN_CITY);
        city_free(c);
    }
    /* the library stays loaded: its data backs nothing of ours, but glib does not unload */
}

/* The hash of the built-in lists. */
static uint64_t builtin_hash(void)
{
    uint64_t h = 0x6c657869u;
    for (size_t i = 0; i < NDX_ARRAY_LEN(k_lists); i++) {
        h = ndx__hash64(&k_lists[i].flags, sizeof k_lists[i].flags, h);
        h = ndx__hash64(k_lists[i].words, strlen(k_lists[i].words), h);
    }
    h = ndx__hash64(k_places, sizeof k_places, h);
    h = ndx__hash64(k_demonyms, sizeof k_demonyms, h);
    for (size_t i = 0; i < NDX_ARRAY_LEN(k_admin_words); i++)
        h = ndx__hash64(k_admin_words[i], strlen(k_admin_words[i]) + 1, h);
    return h;
}

/* The file holding this code (the program or the shared library): a rebuild changes how the
 * sources are read, so it makes a cached lexicon stale. */
static void own_file(char *out, size_t cap)
{
    Dl_info di;
    if (dladdr((void *)builtin_hash, &di) && di.dli_fname && di.dli_fname[0] == '/')
        snprintf(out, cap, "%s", di.dli_fname);
    else
        snprintf(out, cap, "%s", "/proc/self/exe");
}

/* g_cue from g_lex: every word of the lists, with all its flags. */
static void fill_cues(void)
{
    ndx__map_init(&g_cue);
    for (size_t i = 0; i < NDX_ARRAY_LEN(k_lists); i++)
        for (const char *p = k_lists[i].words; *p;) {
            const char *q = strchr(p, ' ');
            size_t n = q ? (size_t)(q - p) : strlen(p);
            char low[64];
            size_t m = n ? lower_ascii(p, n, low, sizeof low) : 0;
            if (m) {
                uint64_t k = key_of(low, m, SEED_WORD), v = ndx__map_get(&g_lex, k);
                if (v && ndx__map_put(&g_cue, k, v) != NDX_OK)
                    g_status_ok = 0;
            }
            if (!q)
                break;
            p = q + 1;
        }
}

static void lex_load_sources(void);

static void lex_load(void)
{
    lex_load_sources();
    fill_cues();
}

static void lex_load_sources(void)
{
    ndx__map_init(&g_lex);
    const char *iso = path_of("NEWSDEX_ISO_CODES_DIR", "/usr/share/iso-codes/json");
    const char *words = path_of("NEWSDEX_WORDS_FILE", "/usr/share/dict/words");
    const char *geo = path_of("NEWSDEX_GEONAMES_LIB", "libgeonames.so.0");
    void *gh = *geo ? dlopen(geo, RTLD_NOW | RTLD_LOCAL) : NULL;

    /* a cached copy of what the sources below give (names/lexcache.c) */
    char iso1[1024] = "", iso2[1024] = "", geofile[1024] = "", self[1024];
    if (*iso) {
        snprintf(iso1, sizeof iso1, "%s/iso_3166-1.json", iso);
        snprintf(iso2, sizeof iso2, "%s/iso_3166-2.json", iso);
    }
    Dl_info di;
    void *sym = gh ? dlsym(gh, "geonames_get_n_cities") : NULL;
    if (sym && dladdr(sym, &di) && di.dli_fname)
        snprintf(geofile, sizeof geofile, "%s", di.dli_fname);
    own_file(self, sizeof self);
    const char *srcs[] = {iso1, iso2, words, geofile, self};
    bool usable = !*geo || *geofile;
    bool all_there;
    uint64_t stamp = ndx__lexcache_stamp(srcs, NDX_ARRAY_LEN(srcs), builtin_hash(), &all_there);
    usable = usable && all_there;
    if (usable && ndx__lexcache_read(&g_lex, stamp))
        return;

    for (size_t i = 0; i < NDX_ARRAY_LEN(k_lists); i++)
        add_list(k_lists[i].words, k_lists[i].flags, 0);
    add_list(k_places, LN_COUNTRY, 1);
    add_list(k_demonyms, LN_DEMONYM, 1);
    if (*iso) {
        if (load_iso_file(iso, "iso_3166-1.json", "3166-1", LN_COUNTRY) == 0)
            load_iso_file(iso, "iso_3166-2.json", "3166-2", LN_REGION);
    }
    if (*words)
        load_words(words);
    if (*geo)
        load_geonames(gh, geo);
    if (!g_status_ok)
        status_note("%s", "out of memory while loading the lexicon: it is incomplete");
    if (usable && g_status_ok && !g_status[0])
        ndx__lexcache_write(&g_lex, stamp);
}

void ndx__lex_init(void)
{
    pthread_once(&g_once, lex_load);
}

/* The large map's entries last looked up by this thread, by the low bits of their key: a
 * news text names the same few hundred capitalised words over and over ("The", "Reuters", a
 * month, the article's people), and a hit here is in the processor's cache where a probe of
 * the large map is usually a miss to memory. */
#define LEX_RECENT 4096
static _Thread_local struct {
    uint64_t key;
    unsigned val;
} t_recent[LEX_RECENT];

static unsigned lex_get(uint64_t key)
{
    size_t slot = (size_t)(key ^ (key >> 32)) & (LEX_RECENT - 1);
    if (t_recent[slot].key == key)
        return t_recent[slot].val;
    unsigned v = (unsigned)ndx__map_get(&g_lex, key);
    t_recent[slot].key = key;
    t_recent[slot].val = v;
    return v;
}

unsigned ndx__lex_word(const char *s, size_t n)
{
    ndx__lex_init(); /* every caller sees the whole lexicon, whatever ran first */
    char low[64];
    size_t m = lower_ascii(s, n, low, sizeof low);
    if (!m)
        return 0;
    return lex_get(key_of(low, m, SEED_WORD));
}

unsigned ndx__lex_cue(const char *s, size_t n)
{
    ndx__lex_init();
    char low[64];
    size_t m = lower_ascii(s, n, low, sizeof low);
    if (!m)
        return 0;
    return (unsigned)ndx__map_get(&g_cue, key_of(low, m, SEED_WORD));
}

unsigned ndx__lex_name(const char *s, size_t n)
{
    ndx__lex_init();
    if (!n || n > 255)
        return 0;
    return lex_get(key_of(s, n, SEED_NAME));
}

const char *ndx_names_data_status(void)
{
    ndx__lex_init();
    return g_status[0] ? g_status : NULL;
}
