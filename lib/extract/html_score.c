/*
 * html_score.c - which part of the tree is the article: boilerplate marked (hidden, structural
 * elements and ARIA roles, class/id words) with the text statistics of what is kept, then
 * paragraphs scored (length, commas, link density) and their scores given to their ancestors
 * (after Readability); the best container wins and its siblings that look like article text join
 * it.  Rules: docs/EXTRACTION.md, steps 5-8.
 */
#include "extract/html.h"

void ndx__html_analyze(struct ndx_xdoc *d, bool use_classes, bool weak_words)
{
    uint32_t nn = d->nn;
    struct ndx_xnode *N = d->n;
    /* raw text weight per node, for the "wrapper" safety check */
    for (uint32_t i = 0; i < nn; i++) {
        N[i].flags &= (uint16_t) ~(F_REMOVED | F_INLINK | F_CAND | F_OUT | F_PATH);
        if (N[i].tag != TX) {
            N[i].chars = 0;
            N[i].link = 0;
            N[i].direct = 0;
            N[i].commas = 0;
        }
        N[i].score = 0;
    }
    /* link inheritance, block ancestor */
    for (uint32_t i = 1; i < nn; i++) {
        struct ndx_xnode *x = &N[i];
        const struct ndx_xnode *p = &N[x->parent];
        x->flags |= p->flags & F_INLINK;
        if (x->tag == T_A)
            x->flags |= F_INLINK;
        x->blk = x->tag == TX ? p->blk : (cls_of(x) & C_BLOCK) ? i : p->blk;
    }
    /* raw totals (bottom-up): text weight in `direct`, link text weight in `link` */
    for (uint32_t i = nn; i-- > 1;) {
        struct ndx_xnode *x = &N[i];
        struct ndx_xnode *p = &N[x->parent];
        if (x->tag == TX) {
            p->direct += x->chars;
            if (x->flags & F_INLINK)
                p->link += x->chars;
        } else {
            p->direct += x->direct;
            p->link += x->link;
        }
    }
    uint32_t total = N[0].direct;
    /* Hidden elements holding most of the page's text are revealed by a script (pages streamed
     * in hidden chunks): then hidden does not mean boilerplate. */
    uint64_t hidden = 0;
    for (uint32_t i = 1, until = 0; i < nn; i++)
        if (i >= until && (N[i].flags & F_HIDDEN)) {
            hidden += N[i].direct;
            until = N[i].end;
        }
    bool shown = hidden * 2 > total;
    /* The largest element named as the article body ("article-body", itemprop=articleBody) with
     * at least 500 of text: class words do not remove an element that wraps it and whose text is
     * mostly its text (a wrapper misnamed "pane-taxomenu", "sidebar-content"). */
    uint32_t bodyel = 0;
    for (uint32_t i = 1; i < nn; i++)
        if ((N[i].flags & F_BODYHINT) && N[i].tag != TX && N[i].direct >= 500 &&
            (!bodyel || N[i].direct > N[bodyel].direct))
            bodyel = i;
    /* top-down: removal */
    for (uint32_t i = 1; i < nn; i++) {
        struct ndx_xnode *x = &N[i];
        x->flags |= N[x->parent].flags & F_REMOVED;
        if (x->tag == TX || (x->flags & F_REMOVED))
            continue;
        uint8_t c = cls_of(x);
        bool rm = false;
        bool wrapper = x->tag == T_ARTICLE || x->tag == T_MAIN || x->tag == T_BODY;
        if ((x->flags & F_HIDDEN) && !shown)
            rm = true;
        else if (x->flags & F_BODYHINT)
            rm = false;
        else if (x->tag == T_HEADER && !(x->flags & F_ROLEBOIL) &&
                 (x->flags & (F_NEG | F_WEAKNEG)) == 0) {
            /* an article's <header> holds the headline and the lead; a page's header is links */
            rm = x->direct < 80 || x->link * 10 > x->direct * 3;
        } else if ((c & C_BOIL) || (x->flags & F_ROLEBOIL)) {
            /* a <header>/<nav>/<form>/<fieldset> wrapping most of the page is a layout wrapper;
             * a <header> or <aside> holding the headline holds the article's beginning */
            rm = x->direct * 10 <= total * 7 && !((x->tag == T_HEADER || x->tag == T_ASIDE) &&
                                                  d->h1_node > i && d->h1_node < x->end);
        } else if (use_classes && (x->flags & F_NEG) && !(x->flags & F_POS) && !wrapper) {
            /* a comment section can outweigh a short article: it goes unless it is the page */
            rm = x->direct * 10 < total * ((x->flags & F_COMMENTS) ? 9 : 6);
        } else if (use_classes && (x->flags & F_NEG) && (x->flags & F_POS)) {
            /* "article-comments", "post-meta": negative words win for small blocks */
            rm = x->direct * 10 < total * 3 && x->tag != T_ARTICLE && x->tag != T_MAIN;
        } else if (use_classes && weak_words && (x->flags & F_WEAKNEG) && !wrapper) {
            /* "widget", "date", "header": only when short or mostly links */
            rm = x->direct < 80 || x->link * 10 > x->direct * 3;
        }
        if (rm && bodyel > i && bodyel < x->end && !(x->flags & (F_HIDDEN | F_ROLEBOIL)) &&
            !(c & C_BOIL) && N[bodyel].direct * 2 >= x->direct)
            rm = false;
        if (rm)
            x->flags |= F_REMOVED;
    }
    for (uint32_t i = 0; i < nn; i++)
        if (N[i].tag != TX)
            N[i].direct = N[i].link = 0;
    /* bottom-up stats over kept nodes */
    for (uint32_t i = nn; i-- > 1;) {
        struct ndx_xnode *x = &N[i];
        if (x->flags & F_REMOVED)
            continue;
        struct ndx_xnode *p = &N[x->parent];
        if (x->tag == TX) {
            if (x->flags & F_INLINK)
                x->link = x->chars;
            else
                x->link = 0;
            N[x->blk].direct += x->chars;
        }
        p->chars += x->chars;
        p->link += x->link;
        p->commas = (uint16_t)NDX_MIN(65535u, (uint32_t)p->commas + x->commas);
    }
}

static float tag_base(uint16_t tag)
{
    switch (tag) {
    case T_DIV:
    case T_ARTICLE:
        return 5;
    case T_MAIN:
    case T_SECTION:
        return 3;
    case T_PRE:
    case T_TD:
    case T_BLOCKQUOTE:
        return 3;
    case T_ADDRESS:
    case T_OL:
    case T_UL:
    case T_DL:
    case T_DD:
    case T_DT:
    case T_LI:
    case T_FORM:
        return -3;
    case T_H1:
    case T_H2:
    case T_H3:
    case T_H4:
    case T_H5:
    case T_H6:
    case T_TH:
        return -5;
    default:
        return 0;
    }
}

static bool is_descendant(const struct ndx_xdoc *d, uint32_t anc, uint32_t i)
{
    return i > anc && i < d->n[anc].end;
}

uint32_t ndx__html_choose_top(struct ndx_xdoc *d)
{
    struct ndx_xnode *N = d->n;
    uint32_t nn = d->nn;
    for (uint32_t i = 1; i < nn; i++) {
        struct ndx_xnode *x = &N[i];
        if (x->tag == TX || (x->flags & F_REMOVED))
            continue;
        uint8_t c = cls_of(x);
        uint32_t w;
        if (c & C_PARA)
            w = x->chars;
        else if (c & C_BLOCK)
            w = x->direct;
        else
            continue;
        if (w < 25)
            continue;
        if ((c & C_PARA) && x->tag != T_TD && link_density(x) > 0.5f)
            continue;
        uint32_t commas = x->commas;
        if (!(c & C_PARA)) {
            /* count only direct text commas: approximate by share */
            commas = x->chars ? (uint32_t)((uint64_t)commas * w / x->chars) : 0;
        }
        float s = 1.0f + (float)NDX_MIN(commas, 30u) + (float)NDX_MIN(w / 100, 3u);
        /* the block with direct text is itself a container of its text */
        uint32_t a = (c & C_PARA) ? x->parent : i;
        for (int level = 0; a && level < 5; level++) {
            struct ndx_xnode *y = &N[a];
            if (y->tag == T_HTML)
                break;
            if (!(y->flags & F_CAND)) {
                y->flags |= F_CAND;
                y->score = tag_base(y->tag) + (float)y->cls;
                if (y->tag == T_ARTICLE || (y->flags & F_ARTICLEISH))
                    y->score += 10;
                if (a == d->body_node)
                    y->score += 25;
            }
            float div = level == 0 ? 1.0f : level == 1 ? 2.0f : (float)level * 3.0f;
            y->score += s / div;
            a = y->parent;
        }
    }
    uint32_t top = 0;
    float best = 0;
    for (uint32_t i = 1; i < nn; i++) {
        struct ndx_xnode *x = &N[i];
        if (!(x->flags & F_CAND))
            continue;
        x->score *= 1.0f - link_density(x);
        if (x->score > best) {
            best = x->score;
            top = i;
        }
    }
    if (!top)
        return 0;
    uint32_t first = top;
    /* Several good candidates under one ancestor: take the ancestor. */
    uint32_t alts[8];
    size_t nalts = 0;
    for (uint32_t i = 1; i < nn && nalts < 8; i++)
        if ((N[i].flags & F_CAND) && i != top && N[i].score >= best * 0.75f &&
            !is_descendant(d, top, i) && !is_descendant(d, i, top))
            alts[nalts++] = i;
    if (nalts >= 2) {
        for (uint32_t a = N[top].parent; a && N[a].tag != T_BODY && N[a].tag != T_HTML;
             a = N[a].parent) {
            size_t in = 0;
            for (size_t k = 0; k < nalts; k++)
                if (is_descendant(d, a, alts[k]))
                    in++;
            if (in >= 2) {
                top = a;
                break;
            }
        }
    }
    /* climb while the parent scores higher */
    float last = N[top].score;
    float thr = last / 3.0f;
    for (uint32_t a = N[top].parent; a && N[a].tag != T_BODY && N[a].tag != T_HTML;
         a = N[a].parent) {
        if (!(N[a].flags & F_CAND))
            continue;
        if (N[a].score < thr)
            break;
        if (N[a].score > last) {
            top = a;
            break;
        }
        last = N[a].score;
    }
    /* only child with text: use the parent */
    while (N[top].parent && N[N[top].parent].tag != T_BODY && N[N[top].parent].tag != T_HTML &&
           N[top].parent != 0 && N[N[top].parent].chars == N[top].chars)
        top = N[top].parent;
    /* the best-scored block and its ancestors up to the top are never left out as link-heavy */
    for (uint32_t a = first; a && a != top; a = N[a].parent)
        N[a].flags |= F_PATH;
    return top;
}

void ndx__html_choose_siblings(struct ndx_xdoc *d, uint32_t top)
{
    struct ndx_xnode *N = d->n;
    N[top].flags |= F_OUT;
    uint32_t par = N[top].parent;
    if (!par)
        return;
    float thr = NDX_MAX(10.0f, N[top].score * 0.2f);
    for (uint32_t s = N[par].first; s; s = N[s].next) {
        struct ndx_xnode *x = &N[s];
        if (s == top || (x->flags & F_REMOVED) || x->tag == TX)
            continue;
        bool take = false;
        float bonus = 0;
        if (N[top].len && x->len == N[top].len &&
            !memcmp(d->attr.p + x->off, d->attr.p + N[top].off, x->len))
            bonus = N[top].score * 0.2f;
        if ((x->flags & F_CAND) && x->score + bonus >= thr)
            take = true;
        else if (x->tag == T_P || (cls_of(x) & C_BLOCK && (x->direct == x->chars || s < top))) {
            /* text blocks; before the body also containers of them (a lead paragraph) */
            float ld = link_density(x);
            if (x->chars > 80 && ld < 0.25f && x->cls >= 0 && !(cls_of(x) & C_HEAD))
                take = true;
            else if (x->chars > 0 && x->chars <= 80 && ld == 0.0f && x->tag == T_P)
                take = x->commas > 0 || x->chars > 30; /* a short sentence */
        }
        if (take)
            x->flags |= F_OUT;
    }
    /* a heading that introduces a chosen block */
    for (uint32_t s = N[par].first; s; s = N[s].next) {
        struct ndx_xnode *x = &N[s];
        uint32_t nx = x->next;
        while (nx && N[nx].tag == TX && N[nx].chars == 0)
            nx = N[nx].next;
        if ((cls_of(x) & C_HEAD) && !(x->flags & (F_REMOVED | F_OUT)) && nx &&
            (N[nx].flags & F_OUT) && link_density(x) <= 0.5f && x->cls >= 0)
            x->flags |= F_OUT;
    }
}
