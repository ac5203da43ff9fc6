package dev.rag.embed.rest;

/** A request names a model this service does not embed with. */
class UnknownModelException extends RuntimeException {

  UnknownModelException(String asked, String served) {
    super("model '" + asked + "' is not served here; this service embeds with '" + served + "'");
  }
}
