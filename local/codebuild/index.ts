export * from './build-record';
export * from './local-codebuild';
