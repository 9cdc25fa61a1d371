package io.driftline.catalog.api;

/** A device or model version the catalog does not hold; answered with 404. */
class NotInCatalogException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  NotInCatalogException(String message) {
    super(message);
  }
}
