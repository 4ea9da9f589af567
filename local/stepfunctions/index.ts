export * from './asl-template';
export * from './execution-record';
export * from './local-state-machine';
export * from './task-bindings';
