// Row types of the tables of migrations/0300-access.ts (users and sessions). The columns it adds to
// devices, enrollment_tokens and api_tokens are declared with those tables in schema.ts.

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  must_change_password: number;
  created_at: string;
  created_by: string;
  password_changed_at: string;
  last_login_at: string | null;
  failed_logins: number;
  locked_until: string | null;
  disabled_at: string | null;
}

export interface SessionsTable {
  id: string;
  secret_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  remote_address: string;
  user_agent: string;
}

export interface AccessTables {
  users: UsersTable;
  sessions: SessionsTable;
}
