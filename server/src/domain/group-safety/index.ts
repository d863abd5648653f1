export type { GroupSafetyRecord, GroupSafetyRepository } from './group-safety-repository.js';
export { GroupSafetyService, groupTarget, safetyForTags, safetyResolver, toView } from './group-safety-service.js';
export { EVERY_DEVICE, jobHold, jobSafety, mergeSafety, safetyGroupsOf, strictestPreflight, type DeviceSafety, type GroupHold } from './merge.js';
export { describeHeld, explicitHoldRefusal, filterHeld, planFlags, type HeldPackage, type TargetHolds } from './hold-filter.js';
