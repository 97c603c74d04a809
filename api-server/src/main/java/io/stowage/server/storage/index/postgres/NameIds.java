package io.stowage.server.storage.index.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Numbers for stream or type names, from a small table ({@code streams} or {@code types}). A
 * name keeps its number forever, so both directions are cached for the life of the process.
 */
final class NameIds {
    private final String table;
    private final Map<String, Integer> idByName = new ConcurrentHashMap<>();
    private final Map<Integer, String> nameById = new ConcurrentHashMap<>();

    NameIds(String table) {
        this.table = table;
    }

    /** The numbers of {@code names}, creating the missing ones; at most two round trips. */
    Map<String, Integer> ensure(Connection c, Collection<String> names) throws SQLException {
        Map<String, Integer> result = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            Integer id = idByName.get(name);
            if (id != null) {
                result.put(name, id);
            } else if (!result.containsKey(name) && !missing.contains(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("WITH wanted AS (SELECT unnest(?::text[]) AS name), "
                    + "ins AS (INSERT INTO " + table + " (name) SELECT name FROM wanted ON CONFLICT (name) DO NOTHING "
                    + "RETURNING id, name) "
                    + "SELECT id, name FROM ins UNION ALL SELECT t.id, t.name FROM " + table + " t JOIN wanted w ON w.name = t.name")) {
                ps.setArray(1, Sql.texts(c, missing));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        remember(rs.getString(2), rs.getInt(1));
                        result.put(rs.getString(2), rs.getInt(1));
                    }
                }
            }
            // a name inserted by a concurrent writer between our CTE's snapshot and its insert
            for (String name : missing) {
                if (!result.containsKey(name)) {
                    result.put(name, find(c, name).orElseThrow(() -> new SQLException("name not created: " + name)));
                }
            }
        }
        return result;
    }

    /**
     * {@link #ensure} on a connection of its own, outside any transaction (a number created there
     * and then rolled back would stay cached); borrows no connection when every name is cached.
     */
    Map<String, Integer> ensure(Database db, Collection<String> names) {
        Map<String, Integer> cached = new HashMap<>();
        for (String name : names) {
            Integer id = idByName.get(name);
            if (id == null) {
                return db.withConnection("name " + table, c -> ensure(c, names));
            }
            cached.put(name, id);
        }
        return cached;
    }

    /** The number of {@code name} if it exists. */
    Optional<Integer> find(Connection c, String name) throws SQLException {
        Integer cached = idByName.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                remember(name, rs.getInt(1));
                return Optional.of(rs.getInt(1));
            }
        }
    }

    /** The name of number {@code id}. */
    String name(Connection c, int id) throws SQLException {
        String cached = nameById.get(id);
        if (cached != null) {
            return cached;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM " + table + " WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no " + table + " row " + id);
                }
                remember(rs.getString(1), id);
                return rs.getString(1);
            }
        }
    }

    private void remember(String name, int id) {
        idByName.put(name, id);
        nameById.put(id, name);
    }
}
