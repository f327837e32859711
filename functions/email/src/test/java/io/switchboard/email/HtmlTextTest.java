package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class HtmlTextTest {

    @Test
    void blocksAndBreaks_becomeLines_tagsScriptsAndCommentsDisappear_entitiesAreDecoded() {
        String html = "<html><head><title>x</title><style>p { color: red; }</style></head><body>\r\n"
                + "<!-- tracking --><p>Hi&nbsp;team,</p>\n  <div>Invoice <b>INV-1</b> &amp; receipt?<br class=\"x\">Thanks</div>"
                + "<script>alert(1)</script><ul><li>one</li><li>two</li></ul>\n\n\n<p>Bob &lt;bob@example.com&gt;</p></body></html>";
        assertEquals("Hi team,\nInvoice INV-1 & receipt?\nThanks\none\ntwo\nBob <bob@example.com>", HtmlText.of(html));
    }

    @Test
    void sourceLineBreaks_areSpaces_asHtmlRendersThem() {
        assertEquals("one two three", HtmlText.of("one\ntwo  \n   three"));
    }

    @Test
    void nullHtml_isNoText() {
        assertNull(HtmlText.of(null));
    }

    @Test
    void unclosedTagsAndScripts_areReadInOnePass_andKeptAsText() {
        // Regular expressions take quadratic time over such input: this ran for minutes with them.
        String lessThans = "<".repeat(200_000);
        assertEquals(lessThans, HtmlText.of(lessThans));
        String scripts = "<script".repeat(30_000);
        assertEquals(scripts, HtmlText.of(scripts));
        assertEquals("a < b", HtmlText.of("a < b"));
    }
}
