package io.driftline.catalog.vocab;

import org.apache.jena.rdf.model.Property;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.rdf.model.ResourceFactory;

/** Terms of the W3C vocabularies the catalog aligns to: SOSA, SSN-System, ML Schema and PROV-O. */
public final class W3C {

  /** SOSA namespace. */
  public static final String SOSA = "http://www.w3.org/ns/sosa/";
  /** SSN systems (capabilities) namespace. */
  public static final String SSN_SYSTEM = "http://www.w3.org/ns/ssn/systems/";
  /** ML Schema namespace. */
  public static final String MLS = "http://www.w3.org/ns/mls#";
  /** PROV-O namespace. */
  public static final String PROV = "http://www.w3.org/ns/prov#";

  public static final Resource SOSA_PLATFORM = ResourceFactory.createResource(SOSA + "Platform");
  public static final Resource SOSA_SENSOR = ResourceFactory.createResource(SOSA + "Sensor");
  public static final Property SOSA_HOSTS = ResourceFactory.createProperty(SOSA + "hosts");
  public static final Property SOSA_IS_HOSTED_BY = ResourceFactory.createProperty(SOSA + "isHostedBy");

  public static final Resource SYSTEM_CAPABILITY = ResourceFactory.createResource(SSN_SYSTEM + "SystemCapability");
  public static final Resource RESOLUTION = ResourceFactory.createResource(SSN_SYSTEM + "Resolution");
  public static final Property HAS_SYSTEM_CAPABILITY = ResourceFactory.createProperty(SSN_SYSTEM + "hasSystemCapability");
  public static final Property HAS_SYSTEM_PROPERTY = ResourceFactory.createProperty(SSN_SYSTEM + "hasSystemProperty");

  public static final Resource MLS_MODEL = ResourceFactory.createResource(MLS + "Model");
  public static final Resource MLS_RUN = ResourceFactory.createResource(MLS + "Run");
  public static final Resource MLS_MODEL_EVALUATION = ResourceFactory.createResource(MLS + "ModelEvaluation");
  public static final Resource MLS_EVALUATION_MEASURE = ResourceFactory.createResource(MLS + "EvaluationMeasure");
  public static final Property MLS_HAS_OUTPUT = ResourceFactory.createProperty(MLS + "hasOutput");
  public static final Property MLS_HAS_VALUE = ResourceFactory.createProperty(MLS + "hasValue");
  public static final Property MLS_SPECIFIED_BY = ResourceFactory.createProperty(MLS + "specifiedBy");

  public static final Resource PROV_ENTITY = ResourceFactory.createResource(PROV + "Entity");
  public static final Resource PROV_ACTIVITY = ResourceFactory.createResource(PROV + "Activity");
  public static final Property PROV_WAS_DERIVED_FROM = ResourceFactory.createProperty(PROV + "wasDerivedFrom");
  public static final Property PROV_WAS_GENERATED_BY = ResourceFactory.createProperty(PROV + "wasGeneratedBy");
  public static final Property PROV_USED = ResourceFactory.createProperty(PROV + "used");

  private W3C() {}
}
