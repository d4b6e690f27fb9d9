export * from './dist/lib/index';
