package dev.tracking.client.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class WriterSchemaReferenceTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aConfluentValueNamesItsRegistryId() {
        assertThat(WriterSchemaReference.of(HEX.parseHex("00000003E7" + "04"))).isEqualTo("registry-id:999");
    }

    @Test
    void aSingleObjectValueNamesItsLittleEndianFingerprint() {
        assertThat(WriterSchemaReference.of(HEX.parseHex("C301" + "0102030405060788" + "00")))
                .isEqualTo("fingerprint:8807060504030201");
    }

    @Test
    void bytesWithoutAWholeHeaderNameNothing() {
        assertThat(WriterSchemaReference.of(null)).isNull();
        assertThat(WriterSchemaReference.of(new byte[0])).isNull();
        assertThat(WriterSchemaReference.of(HEX.parseHex("00000003"))).isNull();
        assertThat(WriterSchemaReference.of(HEX.parseHex("C301010203"))).isNull();
        assertThat(WriterSchemaReference.of(HEX.parseHex("7B226576656E74223A"))).isNull();
    }
}
