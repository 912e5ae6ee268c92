"""Page types: `newsdex extract` says whether an HTML page is an article, a listing (a section
front, a tag or category page) or another page; `ingest` skips listings with the reason counted in
the summary, and keeps them, marked, with --keep-listings (`show` and `show --json` say so).  Pages
written here."""
import json

HEADS = [
    "Council votes to close the harbour bridge for repairs",
    "Ferry fares rise by ten percent from March",
    "New tram line opens to the airport next spring",
    "School meals to be free for every pupil in the city",
    "Heavy snow closes mountain roads for a second day",
    "Library reopens after two years of building work",
    "Hospital waiting lists fall for the first time in a decade",
    "Football club names its new manager after a long search",
    "Concert hall wins an award for its restored organ",
    "Farmers warn of a poor harvest after the dry summer",
    "River clean-up brings salmon back to the old mill",
    "City centre parking charges to rise in the autumn",
]

PARAS = [
    "The council voted on Tuesday to close the old harbour bridge for repairs, after engineers "
    "found cracks in two of its piers during a routine inspection carried out last month.",
    "The bridge carries about twenty thousand cars a day, and the council said the work would "
    "take at least six months, with ferries running every twenty minutes in the meantime.",
    "Shopkeepers on both sides of the harbour said they feared losing customers, while the ferry "
    "operator said it would add two more boats to the crossing from the beginning of next week.",
    "Engineers said the cracks were not dangerous yet, but that the piers, built in 1912, needed "
    "new foundations before the winter storms, when the water in the harbour is at its highest.",
    "The council will hold a public meeting on Thursday evening in the town hall, where residents "
    "can ask questions about the closure of the bridge and about the timetable of the works.",
]

NAV = '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'

LISTING = (
    '<!doctype html><html><head><title>City news | Daily Planet</title>'
    '<link rel="canonical" href="https://planet.example/news/city/"></head><body>' + NAV +
    '<main><h1>City news</h1><ul class="stories">' +
    "".join('<li class="teaser"><a href="/news/2024/story-%d">%s</a><p>From the city desk, %d '
            'hours ago.</p></li>' % (i, h, i + 1) for i, h in enumerate(HEADS)) +
    '</ul></main><footer><a href="/about">About us</a></footer></body></html>')

ARTICLE = (
    '<!doctype html><html><head><title>Harbour bridge closes for repairs | Daily Planet</title>'
    '<meta property="og:type" content="article">'
    '<link rel="canonical" href="https://planet.example/news/2024/harbour-bridge-closes">'
    '</head><body>' + NAV + '<article><h1>Harbour bridge closes for repairs</h1>' +
    "".join("<p>%s</p>" % p for p in PARAS) + '</article></body></html>')

PRODUCT = (
    '<!doctype html><html><head><title>Trail runner 2 | Shoe shop</title>'
    '<script type="application/ld+json">{"@type":"Product","name":"Trail runner 2"}</script>'
    '<link rel="canonical" href="https://shop.example/p/trail-runner-2"></head><body>' + NAV +
    '<main><h1>Trail runner 2</h1><p>%s</p><ul><li>Weight: 280 g</li><li>Drop: 8 mm</li></ul>'
    '</main></body></html>' % PARAS[0])


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def extract_json(nd, path):
    rc, out, err = nd("extract", "--json", path)
    assert rc == 0, err
    return json.loads(out)


def test_extract_names_the_page_type(nd, tmp_path):
    o = extract_json(nd, write(tmp_path, "city.html", LISTING))
    assert o["page_type"] == "listing"
    # the main content of a listing is its teasers
    for h in HEADS:
        assert h in o["text"]
    assert "About us" not in o["text"]
    assert extract_json(nd, write(tmp_path, "bridge.html", ARTICLE))["page_type"] == "article"
    o = extract_json(nd, write(tmp_path, "shoe.html", PRODUCT))
    assert o["page_type"] == "other"
    assert "Weight: 280 g" in o["text"]
    rc, out, err = nd("extract", tmp_path / "city.html")
    assert rc == 0, err
    assert "Page:   listing\n" in out


def pages_dir(tmp_path):
    """A folder with the listing, the article and the product page."""
    d = tmp_path / "pages"
    d.mkdir()
    write(d, "city.html", LISTING)
    write(d, "bridge.html", ARTICLE)
    write(d, "shoe.html", PRODUCT)
    return d


def test_ingest_skips_listings_with_a_reason(nd, tmp_path):
    d = pages_dir(tmp_path)
    ix = tmp_path / "ix"
    rc, out, err = nd("ingest", "-i", ix, d)
    assert rc == 1, err  # something was skipped
    assert "2 added" in err
    assert "skipped 1: listing page" in err
    assert "index holds 2 articles" in err
    # one line per listing only with -v
    assert "listing page, skipped" not in err
    rc, out, err = nd("search", "-i", ix, "--json", "city")
    assert rc == 0, err
    urls = [h["url"] for h in json.loads(out)["hits"]]
    assert "https://planet.example/news/city/" not in urls
    rc, out, err = nd("ingest", "-v", "-i", tmp_path / "ix2", d / "city.html")
    assert rc == 1
    assert "https://planet.example/news/city/: listing page, skipped" in err


def test_keep_listings_keeps_them_marked(nd, tmp_path):
    d = pages_dir(tmp_path)
    ix = tmp_path / "ix"
    rc, out, err = nd("ingest", "--keep-listings", "-i", ix, d)
    assert rc == 0, err
    assert "3 added" in err and "0 skipped" in err
    rc, out, err = nd("export", "-i", ix)
    assert rc == 0, err
    ids = {json.loads(l)["url"]: json.loads(l)["id"] for l in out.splitlines() if l.strip()}
    city = ids["https://planet.example/news/city/"]
    rc, out, err = nd("show", "-i", ix, "--json", str(city))
    assert rc == 0, err
    o = json.loads(out)
    assert o["page_type"] == "listing"
    assert HEADS[5] in o["text"]
    rc, out, err = nd("show", "-i", ix, str(city))
    assert rc == 0, err
    assert "page type: listing\n" in out
    rc, out, err = nd("show", "-i", ix, "--json", str(ids["https://shop.example/p/trail-runner-2"]))
    assert json.loads(out)["page_type"] == "other"
    # an article carries no page type
    rc, out, err = nd("show", "-i", ix, "--json",
                      str(ids["https://planet.example/news/2024/harbour-bridge-closes"]))
    assert "page_type" not in json.loads(out)


SECTIONS = [
    ("Plumbing", "We repair leaking pipes and replace old boilers and fit new bathrooms in homes "
     "and offices across the county seven days a week."),
    ("Heating", "Our engineers service gas and oil boilers and bleed radiators and install "
     "underfloor heating with a written quote before any work starts."),
    ("Electrics", "Certified electricians rewire old houses and fit new fuse boxes and sockets "
     "and test the wiring of rented flats for their landlords."),
    ("Roofing", "We mend slipped tiles and clear gutters and replace flat roofs and we check the "
     "chimney stack and the flashing on every single visit we make."),
    ("Emergencies", "Call us at any hour for a burst pipe or a boiler that will not start or a "
     "power cut in part of the house and we will come within two hours."),
    ("Guarantee", "Every repair we make is guaranteed for two years and if anything we fixed "
     "goes wrong again in that time we come back and fix it again at no cost."),
]

# A service page: a lead and six sections, each in boxes of its own (as page builders write
# them); the article rules alone take one box.
SERVICES = (
    '<!doctype html><html><head><title>Our services | Fixit</title></head><body>' + NAV +
    '<div class="intro"><h1>Our services</h1><p>Fixit has looked after homes, shops, schools and '
    'offices of the county for thirty years, from a dripping tap, a cold radiator or a noisy '
    'boiler to a new roof, a new kitchen, a rewired house or a flooded cellar, with the same '
    'team, the same vans and the same phone number.</p></div>' +
    "".join('<section><div class="wrap"><div class="col"><h2>%s</h2></div><div class="col">'
            '<div class="text">%s</div></div></div></section>' % s for s in SECTIONS) +
    '<footer><a href="/about">About us</a></footer></body></html>')


def test_text_spread_over_sections_is_all_extracted(nd, tmp_path):
    o = extract_json(nd, write(tmp_path, "services.html", SERVICES))
    assert "thirty years" in o["text"]
    for title, text in SECTIONS:
        assert title + "\n" in o["text"]
        assert text in o["text"]
    assert "About us" not in o["text"]
    assert "Contact" not in o["text"] and "Sport" not in o["text"]


SUMMARIES = [
    "The council meets on Tuesday to decide on the repairs, and the ferry operator has promised "
    "two more boats for the crossing.",
    "Fares on every crossing go up by a tenth, the first rise in four years, the operator said on "
    "Monday, blaming the price of fuel.",
    "The new line will run every ten minutes from the station to the terminal, with six stops on "
    "the way and a depot by the river.",
    "Every pupil in the city will get a free lunch from the autumn term, the education office "
    "said, paid for by the regional budget.",
    "Snow ploughs worked through the night but two passes stay closed until the wind drops "
    "again, the road authority said today.",
    "The building work took two years and cost twice the first estimate, but readers queued in "
    "the rain to see the new reading room.",
]

# A section front of cards, each an <article> with its headline linked and a summary longer than
# the headline (so that no card is mostly link text).
CARDS = (
    '<!doctype html><html><head><title>City | Daily Planet</title></head><body>' + NAV +
    '<main><h1>City</h1><div class="grid">' +
    "".join('<article class="card"><h2><a href="/n/%d">%s</a></h2><p>%s</p></article>'
            % (i, HEADS[i], s) for i, s in enumerate(SUMMARIES)) +
    '</div></main></body></html>')


def test_page_of_article_cards_is_a_listing(nd, tmp_path):
    o = extract_json(nd, write(tmp_path, "cards.html", CARDS))
    assert o["page_type"] == "listing"
    # its text is the cards: headlines and summaries
    for h, s in zip(HEADS, SUMMARIES):
        assert h + "\n" in o["text"]
        assert s in o["text"]
    # an article of several paragraphs with a box of teasers stays an article
    assert extract_json(nd, write(tmp_path, "bridge.html", ARTICLE))["page_type"] == "article"


COURSES = ["Pottery for beginners", "French conversation", "Watercolour painting",
           "Family history", "Creative writing", "Italian cooking", "Guitar for adults",
           "Digital photography", "Yoga and stretching", "Local birdwatching",
           "Spanish for travel", "Woodwork basics"]

# A page of short links under one line of introduction: the article rules find next to nothing.
COURSE_LIST = (
    '<!doctype html><html><head><title>Courses | Town library</title></head><body>' + NAV +
    '<main><h1>Courses</h1><p>Evening classes at the town library, every autumn and spring, for '
    'adults of every age.</p><ul>' +
    "".join('<li><a href="/c/%d">%s</a></li>' % (i, c) for i, c in enumerate(COURSES)) +
    '</ul></main></body></html>')


def test_page_of_links_gives_its_main_content(nd, tmp_path):
    o = extract_json(nd, write(tmp_path, "courses.html", COURSE_LIST))
    assert "Evening classes" in o["text"]
    for c in COURSES:
        assert c + "\n" in o["text"] + "\n"
    assert "Sport" not in o["text"]


def shop_page(canonical, meta=""):
    """Three boxes of a shop: too few to be teasers by themselves."""
    return ('<!doctype html><html><head><title>Running shoes | Shoe shop</title>%s'
            '<link rel="canonical" href="%s"></head><body>' % (meta, canonical) + NAV +
            '<main><h1>Running shoes</h1>' +
            "".join('<div class="box"><h2><a href="/p/%d">%s</a></h2><p>From $%d.99, in four '
                    'colours, with free returns within a month.</p></div>' % (i, h, 40 + i)
                    for i, h in enumerate(HEADS[:3])) + '</main></body></html>')


def test_address_naming_a_list_makes_a_listing(nd, tmp_path):
    o = extract_json(nd, write(tmp_path, "a.html",
                               shop_page("https://shop.example/collections/running-shoes")))
    assert o["page_type"] == "listing"
    assert HEADS[2] in o["text"]
    o = extract_json(nd, write(tmp_path, "b.html", shop_page("https://shop.example/p/running")))
    assert o["page_type"] == "other"
    o = extract_json(nd, write(tmp_path, "c.html",
                               shop_page("https://shop.example/collections/running-shoes",
                                         '<meta property="og:type" content="article">')))
    assert o["page_type"] != "listing"


REVIEWS = ["Comfortable from the first run, and the grip on wet stones is better than my old pair.",
           "They run half a size small, so order one size up; otherwise a fine shoe for the trail.",
           "The laces came undone on every run until I changed them for flat ones from the shop."]

# A product page: a description, specifications and a box of customer reviews.
PRODUCT_REVIEWS = (
    '<!doctype html><html><head><title>Trail runner 2 | Shoe shop</title>'
    '<script type="application/ld+json">{"@type":"Product","name":"Trail runner 2"}</script>'
    '</head><body>' + NAV + '<main><h1>Trail runner 2</h1><div class="description"><p>A light '
    'shoe for long runs on rough ground, with a sole that grips on wet rock and a mesh upper that '
    'dries quickly after a river crossing.</p><p>The tongue is padded and sewn to the sides, so '
    'that no grit gets in, and the heel cup holds the foot on steep descents without rubbing.</p>'
    '</div><ul class="specs"><li>Weight: 280 g</li><li>Drop: 8 mm</li><li>Sole: rubber, 5 mm '
    'lugs</li></ul><div class="product-reviews"><h2>Customer reviews</h2>' +
    "".join('<div class="review"><span class="stars">4 of 5</span><p>%s</p><span>Anna, March'
            '</span></div>' % r for r in REVIEWS) + '</div></main></body></html>')


def test_product_page_keeps_description_and_specifications_not_reviews(nd, tmp_path):
    o = extract_json(nd, write(tmp_path, "shoe.html", PRODUCT_REVIEWS))
    assert o["page_type"] == "other"
    assert "heel cup" in o["text"] and "Weight: 280 g" in o["text"]
    for r in REVIEWS:
        assert r not in o["text"]
    assert "Customer reviews" not in o["text"]
