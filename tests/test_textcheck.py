"""govopen_wagtail.textcheck: plain-text checks, word lists, near-duplicates."""

from govopen_wagtail import textcheck

LIMITS = {"max_chars": 100, "max_unbroken": 30}


def codes(text, **kw):
    return [p.code for p in textcheck.text_problems(text, **{**LIMITS, **kw})]


def test_ordinary_chinese_text_passes():
    assert codes("建议：第三条中的“18:00”改为“18:30”，理由是家长下班较晚。a < b 也没问题。") == []


def test_empty_and_whitespace_only():
    assert codes("") == ["empty"]
    assert codes(" \n\u3000 ") == ["empty"]
    assert codes("", required=False) == []


def test_too_long():
    assert codes("好，" * 60) == ["too_long"]


def test_control_and_binary_characters():
    assert "binary" in codes("正常\x00文字")
    assert "binary" in codes("abc\x1b[31m")
    assert "binary" in codes("乱码\ufffd")
    assert codes("第一行\n第二行\t缩进") == []


def test_markup_and_scripts():
    assert "markup" in codes("<script>alert(1)</script>")
    assert "markup" in codes('<img src=x onerror="x">')
    assert "markup" in codes("点击 javascript:alert(1)")
    assert "markup" in codes("&#60;script&#62;")
    assert codes("R&D; 1<2 且 3>2") == []


def test_unbroken_runs():
    assert "unbroken" in codes("a" * 31)
    assert codes("一二三四五六七八九十，" * 5) == []
    assert textcheck.longest_unbroken_run("ab cd，efg") == 3


def test_word_list_ignores_spacing_width_and_punctuation():
    words = textcheck.WordList(["敏感词", "badword"])
    assert words.matches("这里有 敏 感·词 。") == ["敏感词"]
    assert words.matches("ＢＡＤＷＯＲＤ!") == ["badword"]
    assert words.matches("无关内容") == []
    assert not textcheck.WordList(["", "  "])


def test_fingerprint_is_equal_for_texts_that_differ_only_in_form():
    a = textcheck.fingerprint("坚决支持本方案！！")
    assert a == textcheck.fingerprint("坚决支持 本方案。")
    assert a != textcheck.fingerprint("坚决反对本方案")


def test_near_duplicates_are_similar_and_share_a_minhash_value():
    base = "我们强烈建议取消第五条关于课后服务收费的规定，减轻家长负担，保障学生权益。"
    near = base.replace("强烈", "非常")
    other = "建议在第二条中增加对随迁子女入学的保障措施，并明确办理时限和所需材料。"
    a, b, c = (textcheck.shingles(t) for t in (base, near, other))
    assert textcheck.jaccard(a, b) >= 0.7
    assert textcheck.jaccard(a, c) < 0.2
    shared = [x == y for x, y in zip(textcheck.minhash_bands(a), textcheck.minhash_bands(b))]
    assert any(shared)
    assert all(0 <= v < 2**31 for v in textcheck.minhash_bands(a))


def test_minhash_of_nothing():
    assert textcheck.minhash_bands(set()) == [0, 0, 0, 0]
