// Public API of the embedded repair engine (the editor's "Apply verified fix", `loopwise fix`, benchmarks).
export { repair, type RepairOptions } from './repair';
export { loadTask, TaskError, type RepairTask } from './task';
