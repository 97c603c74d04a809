package io.stowage.server.storage;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Message;
import io.stowage.server.storage.error.InvalidRequestException;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchValidatorTest {
    private final BatchValidator validator = new BatchValidator(new Limits(1_000, 1 << 20, 8 << 20));

    @Test
    void attributeNamesAreOneToSixtyFourLowerCaseAsciiLettersAndDigits() {
        assertThatCode(() -> validator.validate(List.of(withAttribute("a"), withAttribute("x9"),
                withAttribute("z".repeat(64))))).doesNotThrowAnyException();
        for (String bad : List.of("", "z".repeat(65), "Upper", "with-dash", "with_underscore", "é", "٣", "a b")) {
            assertThatThrownBy(() -> validator.validate(List.of(withAttribute(bad))))
                    .as("attribute name '%s'", bad)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("attribute name '" + bad + "' is invalid");
        }
    }

    private static Message withAttribute(String name) {
        return Message.newBuilder().setId("m-" + name.length()).setSource("s").setSpecVersion("1.0").setType("t")
                .putAttributes(name, AttributeValue.newBuilder().setCeString("v").build()).setTextData("x").build();
    }
}
