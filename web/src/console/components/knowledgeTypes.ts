// The knowledge shapes of docs/openapi.json (KnowledgeHit, ArticleView, ArticleSummary, ArticleDraft).
export interface ArticleFields {
  title: string;
  body: string;
  category: string;
  keywords: string[];
  public: boolean;
  owner_unit: string | null;
  valid_until: string | null;
  reviewed_at: string | null;
}

export interface ArticleSummary {
  id: string;
  version: number;
  title: string;
  category: string;
  keywords: string[];
  public: boolean;
  owner_unit: string | null;
  valid_until: string | null;
  review_due: string;
  updated_at: string;
}

export interface KnowledgeHit extends ArticleSummary {
  snippet: string;
  score: number;
}

export interface Article extends ArticleFields {
  id: string;
  version: number;
  reviewed_at: string;
  retired_at: string | null;
  created_at: string;
  updated_at: string;
  updated_by: { role: string; id: string | null };
  review_due: string;
}

export interface ArticleView extends Article {
  citations: number;
}
