// Row types of the table of migrations/0600-group-safety.ts.

export interface GroupSafetyTable {
  group_name: string;
  settings_json: string;
  updated_at: string;
  updated_by: string;
}

export interface GroupSafetyTables {
  group_safety: GroupSafetyTable;
}
