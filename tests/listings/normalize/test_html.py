"""Descriptions and one-line fields in the shapes feeds.md §10.1 describes."""

from __future__ import annotations

import pytest

from jobtracker.listings.normalize import (
    clean_text,
    html_to_text,
    join_sections,
    sanitize_html,
    unescape_layers,
)

GREENHOUSE_CONTENT = (
    "&lt;p&gt;We build warehouse robots.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Python &amp;amp; SQL"
    "&lt;/li&gt;&lt;/ul&gt;"
)


class TestUnescapeLayers:
    def test_greenhouse_content_becomes_html_and_keeps_its_escaped_ampersand(self) -> None:
        assert unescape_layers(GREENHOUSE_CONTENT) == (
            "<p>We build warehouse robots.</p><ul><li>Python &amp; SQL</li></ul>"
        )

    def test_a_second_layer_from_xml_is_removed_too(self) -> None:
        # The Greenhouse docs' own example, and Teamtailor/WWR descriptions read from XML text.
        assert unescape_layers("&amp;lt;p&amp;gt;Hi &amp;amp;amp; bye&amp;lt;/p&amp;gt;") == (
            "<p>Hi &amp; bye</p>"
        )

    @pytest.mark.parametrize(
        "html",
        [
            "<p>Use &lt;div&gt; and &amp;nbsp; wisely</p>",  # real HTML: text entities stay
            "<div>Bluefin Labs moves money.</div>",  # Lever
            "Short excerpt only.",  # Jobicy item without markup
            "Loop &amp; Thread",  # an entity in plain text is not escaped HTML
        ],
    )
    def test_text_that_is_already_html_is_left_alone(self, html: str) -> None:
        assert unescape_layers(html) == html


class TestSanitizeHtml:
    def test_scripts_styles_and_frames_go_with_their_content(self) -> None:
        html = "<p>Hi</p><script>steal()</script><style>p{color:red}</style><iframe>x</iframe>"
        assert sanitize_html(html) == "<p>Hi</p>"

    def test_event_handlers_and_style_attributes_are_removed(self) -> None:
        html = '<p onclick="steal()" style="color:red" class="x">Hi</p><img src=x onerror=y>'
        assert sanitize_html(html) == "<p>Hi</p>"

    def test_javascript_and_relative_links_lose_their_href(self) -> None:
        html = '<a href="javascript:alert(1)">a</a><a href="/jobs/1">b</a>'
        assert "href" not in sanitize_html(html)

    @pytest.mark.parametrize(
        "href", ["https://example.test/a", "http://example.test/b", "mailto:jobs@example.test"]
    )
    def test_web_and_mail_links_stay_with_nofollow_noopener(self, href: str) -> None:
        assert sanitize_html(f'<a href="{href}" target="_blank">apply</a>') == (
            f'<a href="{href}" rel="nofollow noopener">apply</a>'
        )

    def test_the_structure_of_a_description_is_kept(self) -> None:
        html = (
            "<h2>Role</h2><p><strong>Own</strong> the <em>ledger</em>.</p><ol><li>Go</li></ol>"
            "<blockquote>quote</blockquote><pre><code>x = 1</code></pre>"
            "<table><tr><th>Level</th><td>Senior</td></tr></table>"
        )
        assert sanitize_html(html) == html.replace("<table><tr>", "<table><tbody><tr>").replace(
            "</tr></table>", "</tr></tbody></table>"
        )

    def test_emoji_and_nbsp_survive(self) -> None:
        assert (
            sanitize_html("<p>Great\u00a0team \U0001f680</p>")
            == "<p>Great&nbsp;team \U0001f680</p>"
        )

    def test_messy_markup_is_closed(self) -> None:
        assert sanitize_html("<ul><li>one<li>two") == "<ul><li>one</li><li>two</li></ul>"


class TestHtmlToText:
    def test_blocks_become_lines(self) -> None:
        html = "<p>We build robots.</p><ul><li>Python &amp; SQL</li><li>Go</li></ul><h3>Perks</h3>"
        assert html_to_text(html) == "We build robots.\nPython & SQL\nGo\nPerks"

    def test_lever_divs_and_breaks_are_lines(self) -> None:
        assert html_to_text("<div>Moves money.</div><div>Own the<br>ledger.</div>") == (
            "Moves money.\nOwn the\nledger."
        )

    def test_inline_tags_do_not_break_words_and_spaces_collapse(self) -> None:
        html = (
            "<p>Be  <strong>bold</strong>,\n   be&nbsp;&nbsp;<a href='https://x.test'>kind</a></p>"
        )
        assert html_to_text(html) == "Be bold, be kind"

    def test_script_content_never_shows(self) -> None:
        assert html_to_text("<p>Hi</p><script>var secret = 1;</script>") == "Hi"

    def test_empty_markup_is_empty_text(self) -> None:
        assert html_to_text("<p> </p><div>&nbsp;</div>") == ""


class TestCleanText:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("Senior Copywriter &#8211; B2B SaaS", "Senior Copywriter \u2013 B2B SaaS"),
            ("Loop &amp; Thread", "Loop & Thread"),
            ("R&amp;amp;D Engineer", "R&D Engineer"),  # escaped once more inside XML
            ("Data Science &amp; Analytics", "Data Science & Analytics"),  # Jobicy jobIndustry
            ("  Frontend <b>Developer</b>\n(m/w/d) ", "Frontend Developer (m/w/d)"),
            (None, ""),
        ],
    )
    def test_entities_are_read_and_tags_dropped(self, raw: str | None, expected: str) -> None:
        assert clean_text(raw) == expected


class TestJoinSections:
    def test_lever_description_lists_and_additional(self) -> None:
        sections = [
            (None, "<div>Bluefin Labs moves money.</div>"),
            ("Requirements", "<li>Go or Kotlin</li><li>Postgres</li>"),
            (None, "<div>Visa sponsorship available.</div>"),
        ]
        assert join_sections(sections) == (
            "<div>Bluefin Labs moves money.</div><h3>Requirements</h3>"
            "<ul><li>Go or Kotlin</li><li>Postgres</li></ul><div>Visa sponsorship available.</div>"
        )

    def test_personio_named_sections_with_text_titles(self) -> None:
        sections = [
            ("Your tasks", "<ul><li>Build the booking UI</li></ul>"),
            ("Profile &amp; <b>skills</b>", "<p>React, TypeScript</p>"),
            ("Empty", "  "),
        ]
        joined = join_sections(sections)
        assert joined == (
            "<h3>Your tasks</h3><ul><li>Build the booking UI</li></ul>"
            "<h3>Profile &amp; skills</h3><p>React, TypeScript</p>"
        )
        assert html_to_text(joined) == (
            "Your tasks\nBuild the booking UI\nProfile & skills\nReact, TypeScript"
        )
