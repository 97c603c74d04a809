package io.stowage.export;

import io.stowage.common.config.Values;
import java.time.Instant;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Times on the command line: {@code 2024-05-01T12:00:00Z}, or a day {@code 2024-05-01} (UTC). */
final class Times implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String text) {
        try {
            return Values.timeOrDay(text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
