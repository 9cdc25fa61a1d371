/** The catalog vocabulary: IRIs of the dl: terms and of the W3C vocabularies they align to (SOSA/SSN, ML Schema, PROV-O), and how instance IRIs are minted. */
@NullMarked
package io.driftline.catalog.vocab;

import org.jspecify.annotations.NullMarked;
