"""Sample citizen forms: a noise complaint the demo routing sends to district urban management, and a bus
request no routing rule matches (it waits in the dispatch queue)."""

FORM = {
    "type": "complaint",
    "category": "urban.noise",
    "subject": "夜间施工噪音",
    "description": "小区旁边的工地每天晚上十一点以后还在施工，噪音很大，影响休息。",
    "location": {"address": "北京市朝阳区建国路88号", "lat": 39.9087, "long": 116.4605, "region": "chaoyang"},
    "contact": {"name": "张三", "phone": "13800138000"},
    "demands": "请相关部门制止夜间施工。",
}
NOISE = {"type": "complaint", "category": "urban.noise", "subject": "夜间施工噪音", "description": "工地深夜施工"}
BUS = {"type": "request", "category": "transport.bus", "subject": "公交晚点", "description": "88路公交经常晚点"}
