"""The API's article document carries its entities and quotations, and /api/search takes the
person:, org: and place: fields."""
import urllib.parse


def test_doc_has_entities_and_quotes(server):
    res = server.json("/api/search?q=" + urllib.parse.quote('person:"Carys Llewellyn"'))
    assert res["total"] >= 1
    doc = server.json(f"/api/doc/{res['hits'][0]['id']}")
    names = {(e["type"], e.get("name", e["text"])) for e in doc["entities"]}
    assert ("PER", "Carys Llewellyn") in names
    text = doc["text"].encode("utf-8")
    for e in doc["entities"]:
        assert text[e["start"]:e["end"]].decode() == e["text"]
    spoken = [q for q in doc["quotes"] if q["name"] == "Carys Llewellyn"]
    assert spoken and all(text[q["start"]:q["end"]].decode() == q["text"] for q in spoken)


def test_search_fields_narrow(server):
    every = server.json("/api/search?q=marrowhaven&collapse=0&limit=100")["total"]
    people = server.json("/api/search?q=" + urllib.parse.quote("person:marrowhaven") +
                         "&collapse=0")["total"]
    assert every > 0 and people == 0
