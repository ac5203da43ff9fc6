package dev.rag.ingest.parse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.filter.Filter;
import org.apache.pdfbox.filter.FilterFactory;
import org.apache.pdfbox.pdmodel.PDDocument;

/**
 * Measures what a PDF's streams decode to before PDFBox reads any of them for text. PDFBox decodes
 * a stream whole into memory when it is read, and a few kilobytes of Flate data can decode to
 * gigabytes; here each stream is decoded once into a counter that gives up at the limit, so the
 * cost of the check is bounded by the limits themselves.
 *
 * <p>Images are left out: text extraction never decodes them. Object streams are measured before
 * the objects inside them are read (reading one decodes its whole object stream).
 */
final class PdfStreamBudget {

  private PdfStreamBudget() {}

  /**
   * @throws PdfParser.LimitException when one stream decodes to more than {@code maxStreamBytes},
   *     or all of them together to more than {@code maxTotalBytes}
   */
  static void check(PDDocument pdf, long maxStreamBytes, long maxTotalBytes) throws IOException {
    Map<COSObjectKey, Long> xref = pdf.getDocument().getXrefTable();
    // Objects stored directly in the file first (object streams among them), then those stored
    // inside object streams, whose reading decodes the object stream.
    List<COSObjectKey> direct = new ArrayList<>();
    List<COSObjectKey> compressed = new ArrayList<>();
    xref.forEach((key, offset) -> (offset != null && offset < 0 ? compressed : direct).add(key));
    long[] total = {0};
    for (List<COSObjectKey> keys : List.of(direct, compressed)) {
      for (COSObjectKey key : keys) {
        var object = pdf.getDocument().getObjectFromPool(key);
        COSBase base = object == null ? null : object.getObject();
        if (base instanceof COSStream stream && !isImage(stream)) {
          total[0] += measure(stream, maxStreamBytes);
          if (total[0] > maxTotalBytes) {
            throw new PdfParser.LimitException(
                "the PDF's streams decode to more than "
                    + maxTotalBytes
                    + " bytes (ingest.limits.pdf.max-decoded-bytes)");
          }
        }
      }
    }
  }

  private static boolean isImage(COSStream stream) {
    return COSName.IMAGE.equals(stream.getCOSName(COSName.SUBTYPE));
  }

  /** The decoded size of one stream, decoding each filter in turn within the limit. */
  private static long measure(COSStream stream, long max) throws IOException {
    List<COSName> filters = filterNames(stream.getFilters());
    if (filters.isEmpty()) {
      return stream.getLength();
    }
    byte[] data = null;
    long size = 0;
    for (int i = 0; i < filters.size(); i++) {
      Filter filter = FilterFactory.INSTANCE.getFilter(filters.get(i));
      boolean last = i == filters.size() - 1;
      // Intermediate results feed the next filter (each within the limit); the last is counted.
      Capped out = new Capped(max, !last);
      try (InputStream in =
          data == null ? stream.createRawInputStream() : new ByteArrayInputStream(data)) {
        filter.decode(in, out, stream, i);
      } catch (PdfParser.LimitException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        // A broken stream: PDFBox reads what it can of it, and so is it counted.
      }
      size = out.count;
      data = last ? null : out.bytes();
    }
    return size;
  }

  private static List<COSName> filterNames(COSBase filters) {
    List<COSName> names = new ArrayList<>();
    if (filters instanceof COSName name) {
      names.add(name);
    } else if (filters instanceof COSArray array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.getObject(i) instanceof COSName name) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** Counts what is written and fails past the limit; keeps the bytes when asked. */
  private static final class Capped extends OutputStream {
    private final long max;
    private final ByteArrayOutputStream kept;
    long count;

    Capped(long max, boolean keep) {
      this.max = max;
      this.kept = keep ? new ByteArrayOutputStream() : null;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      count += len;
      if (count > max) {
        throw new PdfParser.LimitException(
            "a stream of the PDF decodes to more than "
                + max
                + " bytes (ingest.limits.pdf.max-stream-bytes)");
      }
      if (kept != null) {
        kept.write(b, off, len);
      }
    }

    byte[] bytes() {
      return kept.toByteArray();
    }
  }
}
