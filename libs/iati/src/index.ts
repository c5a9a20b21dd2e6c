export * from './codes/iati-codelists.js';
export * from './codes/country-codes.js';
export * from './codes/dac-sectors.js';
export * from './iati-activity.js';
export * from './iati-code-checks.js';
export * from './iati-activities.builder.js';
export * from './project-to-iati.mapper.js';
export * from './xml-writer.js';
