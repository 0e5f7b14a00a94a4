// What went wrong, in words a staff member can act on: the API's message, or the network's.
import { ApiError } from "../../shared/api";

const CODES: Record<string, string> = {
  version_mismatch: "内容已被他人修改，请重新打开后再改。",
  article_retired: "该文章已停用。",
  incident_not_open: "该事件已结束，不能再操作。",
  primary_replied: "主工单已被承办单位答复，请先重新打开主工单。",
  primary_bound: "主工单已并入其他工单。",
  ticket_in_incident: "有工单已属于其他事件。",
  not_gatherable: "有工单已答复或已并入其他工单，不能归入事件。",
  partner_exists: "该合作方 ID 已存在。",
  rotation_in_progress: "另一个密钥操作正在进行，请稍后再试。",
};

export function problemText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return "没有权限执行此操作。";
    if (error.status === 404) return "找不到该记录。";
    return CODES[error.code] ?? error.message;
  }
  return error instanceof Error ? `无法连接服务：${error.message}` : String(error);
}

/** The API's problem with `field`, exactly as it names it (e.g. "rules.2.unit_id"). */
export function problemOf(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fields.find((f) => f.field === field)?.problem : undefined;
}
