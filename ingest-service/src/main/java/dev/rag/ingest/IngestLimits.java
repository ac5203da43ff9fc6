package dev.rag.ingest;

/**
 * Explicit limits on what one document may be. Defaults are documented in the module README and
 * {@code application.properties}.
 *
 * @param maxDocumentBytes largest body, in UTF-8 bytes
 * @param maxIdLength longest id, in characters
 * @param maxTitleLength longest title, in characters
 * @param maxMetadataEntries most metadata entries
 * @param maxMetadataKeyLength longest metadata key
 * @param maxMetadataValueLength longest metadata value
 */
public record IngestLimits(
    int maxDocumentBytes,
    int maxIdLength,
    int maxTitleLength,
    int maxMetadataEntries,
    int maxMetadataKeyLength,
    int maxMetadataValueLength) {}
