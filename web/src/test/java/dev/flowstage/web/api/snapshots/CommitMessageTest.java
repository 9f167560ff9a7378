package dev.flowstage.web.api.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitMessageTest {
    @Test
    void subjectIsTheNameAndTheBodyTheDescription() {
        CommitMessage m = CommitMessage.parse("Release 1\n\nFirst line.\nSecond line.\n");
        assertEquals("Release 1", m.name());
        assertEquals("First line.\nSecond line.", m.description());
        assertNull(m.source());
    }

    @Test
    void aClosingTrailerBlockIsNotDescription() {
        CommitMessage m = CommitMessage.parse("Promote\r\n\r\nWhy.\r\n\r\nFlowstage-Source: acme/qa@abc\r\nFlowstage-Run: 3\r\n");
        assertEquals("Why.", m.description());
        assertEquals("acme/qa@abc", m.source());
        assertEquals(Map.of("Flowstage-Source", "acme/qa@abc", "Flowstage-Run", "3"), m.trailers());
    }

    @Test
    void onlyTrailersMakeAnEmptyDescriptionAndProseStaysProse() {
        assertEquals("", CommitMessage.parse("S\n\nFlowstage-Source: x\n").description());
        assertEquals("x", CommitMessage.parse("S\n\nFlowstage-Source: x\n").source());
        CommitMessage prose = CommitMessage.parse("S\n\nNote: this is prose\nand continues here\n");
        assertEquals("Note: this is prose\nand continues here", prose.description());
        assertNull(prose.source());
    }

    @Test
    void formatPutsTheDescriptionAfterABlankLine() {
        assertEquals("Name\n\nText\n", CommitMessage.format(" Name ", "Text\n"));
        assertEquals("Name\n", CommitMessage.format("Name", "  "));
        assertEquals("Name\n", CommitMessage.format("Name", null));
    }
}
