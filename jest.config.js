// Jest on native ESM (run with --experimental-vm-modules): ts-jest compiles with decorator metadata,
// which Nest needs to resolve constructor dependencies. Tiers are told apart by file suffix.
const moduleNameMapper = {
  '^@app/domain$': '<rootDir>/libs/domain/src/index.ts',
  '^@app/event-store$': '<rootDir>/libs/event-store/src/index.ts',
  '^@app/event-store/audit$': '<rootDir>/libs/event-store/src/audit/index.ts',
  '^@app/read-models$': '<rootDir>/libs/read-models/src/index.ts',
  '^@app/config$': '<rootDir>/libs/config/src/index.ts',
  '^@app/database$': '<rootDir>/libs/database/src/index.ts',
  '^@app/iati$': '<rootDir>/libs/iati/src/index.ts',
  '^@app/notifications$': '<rootDir>/libs/notifications/src/index.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
};
const shared = {
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  transform,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.tools/'],
};
// The Nest apps load @nestjs/throttler; see test/support/preload-nest.ts.
const nestSetup = { setupFiles: ['<rootDir>/test/support/preload-nest.ts'] };
export default {
  // A global option: Jest ignores testTimeout inside a project, so the projects' own settings never applied.
  testTimeout: 30_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{libs,apps,seeds,scripts}/**/*.unit.spec.ts'] },
    { ...shared, ...nestSetup, displayName: 'int', testMatch: ['<rootDir>/{libs,apps,seeds,test}/**/*.int.spec.ts'] },
    { ...shared, ...nestSetup, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'] },
  ],
};
