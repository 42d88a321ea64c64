package dev.arborist.model.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A minimal reader for the {@code .tgz} files {@code npm pack} writes (ustar, with pax or GNU long
 * names). Entries are extracted into memory, so nothing is written outside the cache and no entry
 * name can escape it.
 */
public final class TarGzReader {

    /** One regular file of the archive. */
    public record TarEntry(String name, byte[] content) {}

    private static final int BLOCK = 512;
    // A corrupt size field must not make us allocate gigabytes.
    private static final long MAX_ENTRY_BYTES = 256L << 20;

    private TarGzReader() {}

    /** The regular files whose names {@code wanted} accepts, in archive order. */
    public static List<TarEntry> read(Path tgz, Predicate<String> wanted) {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz)))) {
            return readTar(new DataInputStream(in), wanted, tgz);
        } catch (ZipException e) {
            throw new CorpusException(tgz + " is not a valid gzip archive: " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new CorpusException(tgz + " is truncated (unexpected end of archive)", e);
        } catch (IOException e) {
            throw new CorpusException("cannot read " + tgz + ": " + e.getMessage(), e);
        }
    }

    private static List<TarEntry> readTar(DataInputStream in, Predicate<String> wanted, Path tgz)
            throws IOException {
        List<TarEntry> out = new ArrayList<>();
        byte[] header = new byte[BLOCK];
        String longName = null; // set by a pax 'path' or GNU 'L' record for the next entry
        for (long offset = 0; ; ) {
            if (!readHeader(in, header) || isZero(header)) {
                return out;
            }
            checkChecksum(header, offset, tgz);
            long size = parseOctal(header, 124, 12, offset, tgz);
            if (size < 0 || size > MAX_ENTRY_BYTES) {
                throw new CorpusException(tgz + ": corrupt tar header at offset " + offset
                        + " (entry size " + size + ")");
            }
            char type = (char) header[156];
            String name = longName != null ? longName : headerName(header);
            longName = null;
            boolean keep = (type == '0' || type == '\0') && wanted.test(name);
            byte[] data = keep || type == 'x' || type == 'L' ? readBytes(in, size) : null;
            if (data == null) {
                in.skipNBytes(size);
            }
            in.skipNBytes(padding(size));
            if (type == 'x') {
                longName = PaxHeaders.path(data);
            } else if (type == 'L') {
                longName = cString(data, 0, data.length);
            } else if (keep) {
                out.add(new TarEntry(name, data));
            }
            offset += BLOCK + size + padding(size);
        }
    }

    /** False at a clean end of stream (some writers omit the two zero blocks). */
    private static boolean readHeader(DataInputStream in, byte[] header) throws IOException {
        int first = in.read();
        if (first < 0) {
            return false;
        }
        header[0] = (byte) first;
        in.readFully(header, 1, BLOCK - 1);
        return true;
    }

    private static byte[] readBytes(DataInputStream in, long size) throws IOException {
        byte[] data = new byte[(int) size];
        in.readFully(data);
        return data;
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The checksum is the byte sum of the header with its own 8-byte field read as spaces. */
    private static void checkChecksum(byte[] h, long offset, Path tgz) {
        long stored = parseOctal(h, 148, 8, offset, tgz);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        if (sum != stored) {
            throw new CorpusException(tgz + ": corrupt tar header at offset " + offset
                    + " (checksum " + stored + " stored, " + sum + " computed)");
        }
    }

    private static long parseOctal(byte[] h, int from, int len, long offset, Path tgz) {
        long v = 0;
        int i = from;
        while (i < from + len && (h[i] == ' ' || h[i] == 0)) {
            i++;
        }
        for (; i < from + len && h[i] != 0 && h[i] != ' '; i++) {
            if (h[i] < '0' || h[i] > '7') {
                throw new CorpusException(tgz + ": corrupt tar header at offset " + offset
                        + " (non-octal digit in numeric field at byte " + i + ")");
            }
            v = v * 8 + (h[i] - '0');
        }
        return v;
    }

    /** ustar splits long names into a 155-byte prefix and a 100-byte name. */
    private static String headerName(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String cString(byte[] b, int from, int maxLen) {
        int end = from;
        while (end < from + maxLen && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    /** Pax extended headers are "{length} key=value\n" records; only the path matters here. */
    private static final class PaxHeaders {
        static String path(byte[] data) {
            String text = new String(data, StandardCharsets.UTF_8);
            for (String record : text.split("\n")) {
                int eq = record.indexOf("path=");
                if (eq > 0 && record.charAt(eq - 1) == ' ') {
                    return record.substring(eq + "path=".length());
                }
            }
            return null;
        }
    }
}
