package io.stowage.server.auth;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a token may do. Roles do not imply one another: a token that should do everything lists
 * {@code read,write,delete,admin}.
 */
public enum Role {
    /** GetBatch, Scan, Status, GetCapture. */
    READ,
    /** PutBatch, PutCapture. */
    WRITE,
    /** DeleteBatch. */
    DELETE,
    /** Clean, Verify, and any method not mapped to another role. */
    ADMIN;

    /** The name used in the tokens file and in messages: {@code read}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads one role name; throws {@link IllegalArgumentException} listing the roles. */
    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.label().equals(text)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + text + "': the roles are " + labels(EnumSet.allOf(Role.class)));
    }

    /** Reads a comma-separated list of roles such as {@code read,write}. */
    public static Set<Role> parseList(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("no role given: the roles are " + labels(EnumSet.allOf(Role.class)));
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String part : text.split(",", -1)) {
            roles.add(parse(part.trim()));
        }
        return roles;
    }

    /** {@code read,write}, in declaration order. */
    public static String labels(Set<Role> roles) {
        return Arrays.stream(values()).filter(roles::contains).map(Role::label).collect(Collectors.joining(","));
    }
}
