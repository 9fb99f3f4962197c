import { MantineThemeProvider, Modal, createTheme } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Navigate, Outlet, useLocation } from 'react-router';
import { api, ApiError, call } from '../../platform/api';
import { QueryView } from '../../platform/components';
import './genads.css';

/** GenAds' theme over the app's: the same components, its own primary colour and type (genads.css holds the scoped variables). */
const genadsTheme = createTheme({
  primaryColor: 'dark',
  fontFamily: 'Montserrat, "Helvetica Neue", Arial, sans-serif',
  headings: { fontFamily: '"Playfair Display", Didot, "Bodoni MT", Georgia, "Times New Roman", serif', fontWeight: '600' },
  components: {
    // Dialogs render outside the .genads wrapper: this class gives them its look and contrast.
    Modal: Modal.extend({ defaultProps: { className: 'genads-dialog', closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});

export const ONBOARDING_PATH = '/genads/onboarding';

export function useBrand() {
  return useQuery({
    queryKey: ['genads', 'brand'],
    // 404 means "not onboarded yet": an answer, not an error.
    queryFn: async () => {
      try {
        return await call(api.GET('/genads/api/brands/me'));
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
  });
}

/**
 * Every GenAds page sits in here: the scoped look, and the seed's onboarding guard (an
 * organisation without a brand is sent to onboarding; one with a brand never sees it again).
 */
export function GenAdsLayout() {
  const brand = useBrand();
  const { pathname } = useLocation();
  const onOnboarding = pathname === ONBOARDING_PATH;
  return (
    <MantineThemeProvider theme={genadsTheme}>
      <div className="genads">
        <QueryView query={brand}>
          {(b) => {
            if (!b && !onOnboarding) return <Navigate to={ONBOARDING_PATH} replace />;
            if (b && onOnboarding) return <Navigate to="/genads" replace />;
            return <Outlet />;
          }}
        </QueryView>
      </div>
    </MantineThemeProvider>
  );
}
