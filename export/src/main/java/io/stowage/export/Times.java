package io.stowage.export;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Times on the command line: {@code 2024-05-01T12:00:00Z}, or a day {@code 2024-05-01} (UTC). */
final class Times implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new TypeConversionException("'" + text + "' is not a time: use 2024-05-01T12:00:00Z or 2024-05-01");
            }
        }
    }
}
