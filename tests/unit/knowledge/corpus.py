"""A small knowledge base with overlapping words, so that ranking has something to decide."""

from hotline.domain.knowledge.article import ArticleDraft

ARTICLES: dict[str, ArticleDraft] = {
    "waste": ArticleDraft(
        title="生活垃圾分类投放指南",
        body="居民应将生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类，分别投放到对应的收集容器。"
        "厨余垃圾请在每天早上七点到九点、晚上六点到八点投放。大件垃圾需提前预约清运。",
        category="urban.sanitation",
        keywords=["垃圾分类", "投放时间"],
        public=True,
    ),
    "bulky": ArticleDraft(
        title="大件垃圾清运预约",
        body="旧家具、旧家电等大件垃圾不能直接投放到垃圾桶，请拨打物业电话或在街道网站预约上门清运，费用按件收取。",
        category="urban.sanitation",
        keywords=["大件垃圾", "清运"],
        public=True,
    ),
    "social-card": ArticleDraft(
        title="社会保障卡补办流程",
        body="社保卡遗失后，请先拨打服务热线挂失，再携带身份证原件到任一社保服务网点补办，也可以在网上申请邮寄到家。",
        category="social.insurance",
        keywords=["社保卡", "补办", "挂失"],
        public=True,
    ),
    "fund": ArticleDraft(
        title="住房公积金提取条件",
        body="职工购买自住住房、租房自住或退休时，可以申请提取住房公积金，需要提供身份证和相关证明材料。",
        category="service.policy",
        keywords=["公积金", "提取"],
        public=True,
    ),
    "noise": ArticleDraft(
        title="夜间施工噪音的处理",
        body="晚上十点后仍在施工产生噪音的，可拨打12345反映，城管部门核实后依法处理。内部口径：先核实是否办理夜间施工许可。",
        category="urban.noise",
        keywords=["噪音", "夜间施工"],
        public=False,
    ),
    "etc": ArticleDraft(
        title="ETC 设备激活",
        body="ETC 电子标签安装后需要在发行网点或手机应用激活，激活前不能享受高速公路通行优惠。",
        category="service.policy",
        keywords=["ETC", "激活"],
        public=True,
    ),
}
